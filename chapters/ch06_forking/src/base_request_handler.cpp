#include "ch06/base_request_handler.hpp"

#include <utility>

namespace sockserv::ch06 {

BaseRequestHandler::BaseRequestHandler(Request& request, common::Address client_address,
                                       BaseServer& server)
    : request(request), client_address(std::move(client_address)), server(server) {}

// [handler-run]
void BaseRequestHandler::run() {
    setup();
    try {
        handle();
    } catch (...) {
        finish();  // Python's try/finally: clean up, then let the error go on
        throw;
    }
    finish();
}
// [handler-run]

void BaseRequestHandler::setup() {}

void BaseRequestHandler::handle() {}

void BaseRequestHandler::finish() {}

}  // namespace sockserv::ch06
