// `evident serve`: the local HTTP JSON API (evident issue 7, second part).
//
//   evident serve [--store FILE] [--port P] [--host H] [--static DIR] [--threads N] [--max-body BYTES]
//                 [--timeout SECONDS] [--max-nsim N]
//
// Listens on 127.0.0.1 (only this machine) unless --host names another address, which prints a warning. Every
// request is answered by evident::server::handle() (evident/server/api.hpp; routes in docs/methods/server.md).
// Prints "evident serve: listening on http://HOST:PORT" on standard output once the socket is bound
// (--port 0: a free port, named in that line). SIGINT and SIGTERM stop it (exit 0); a port that cannot be bound
// or a store that cannot be opened is exit code 2 or 1.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>

namespace evident_cli {

struct ServeArgs;

/// Registers the `serve` subcommand on `app`; after app.parse(), `if (serve.parsed()) return serve.run();`.
class ServeCommand {
 public:
  explicit ServeCommand(CLI::App& app);
  [[nodiscard]] bool parsed() const;
  /// Serves until SIGINT / SIGTERM and returns the exit code.
  [[nodiscard]] int run() const;

 private:
  CLI::App* command_ = nullptr;
  std::shared_ptr<ServeArgs> args_;
};

}  // namespace evident_cli
