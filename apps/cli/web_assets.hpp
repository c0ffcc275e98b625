// The web app's files (web/dist) compiled into the binary by cmake/embed_web.cmake; `evident serve` serves them
// at / and /static/ unless --static DIR is given.
#pragma once

#include "evident/server/api.hpp"

namespace evident_cli {

const evident::server::EmbeddedFiles& web_assets();

}  // namespace evident_cli
