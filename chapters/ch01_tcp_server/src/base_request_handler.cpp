#include "ch01/base_request_handler.hpp"

#include <utility>

namespace sockserv::ch01 {

BaseRequestHandler::BaseRequestHandler(Request& request, common::Address client_address,
                                       BaseServer& server)
    : request(request), client_address(std::move(client_address)), server(server) {}

void BaseRequestHandler::handle() {}

}  // namespace sockserv::ch01
