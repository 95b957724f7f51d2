#include "ch02/base_request_handler.hpp"

#include <utility>

namespace sockserv::ch02 {

BaseRequestHandler::BaseRequestHandler(Request& request, common::Address client_address,
                                       BaseServer& server)
    : request(request), client_address(std::move(client_address)), server(server) {}

void BaseRequestHandler::handle() {}

}  // namespace sockserv::ch02
