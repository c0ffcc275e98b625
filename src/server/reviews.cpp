// evident: the reviews of `evident serve`; see evident/server/reviews.hpp.
#include "evident/server/reviews.hpp"

#include <algorithm>
#include <filesystem>
#include <set>
#include <utility>

namespace evident::server {

namespace {
const SourceLocation kNowhere{"request", 0, 0};
constexpr const char* kExtension = ".evident";

/// false (and a "bad-name" error) for a name valid_name() refuses.
bool check_name(const std::string& name, Diagnostics& ds) {
  if (ReviewRegistry::valid_name(name)) return true;
  ds.error("bad-name", kNowhere, "'" + name + "' is not a review name", "use 1 to 64 letters, digits, '_' or '-'");
  return false;
}

std::shared_ptr<ReviewHandle> make_handle(const std::string& name, std::unique_ptr<store::ReviewStore> store) {
  auto h = std::make_shared<ReviewHandle>();
  h->name = name;
  h->store = std::move(store);
  return h;
}
}  // namespace

ReviewRegistry::ReviewRegistry(std::string dir) : dir_(std::move(dir)) {}

bool ReviewRegistry::valid_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

std::string ReviewRegistry::path_of(const std::string& name) const {
  return (std::filesystem::path(dir_) / (name + kExtension)).string();
}

void ReviewRegistry::add(const std::string& name, std::unique_ptr<store::ReviewStore> store) {
  auto h = make_handle(name, std::move(store));
  std::lock_guard<std::mutex> lock(mutex_);
  open_[name] = std::move(h);
}

std::shared_ptr<ReviewHandle> ReviewRegistry::get(const std::string& name, Diagnostics& ds) {
  if (!check_name(name, ds)) return nullptr;
  std::lock_guard<std::mutex> lock(mutex_);
  if (const auto it = open_.find(name); it != open_.end()) return it->second;
  std::error_code ec;
  if (dir_.empty() || !std::filesystem::is_regular_file(path_of(name), ec)) {
    ds.error("not-found", kNowhere, "no review named '" + name + "'", "GET /api/reviews lists the reviews");
    return nullptr;
  }
  store::OpenResult opened = store::open_review(path_of(name));
  ds.append(opened.diagnostics);
  if (!opened.store) return nullptr;
  auto h = make_handle(name, std::move(opened.store));
  open_[name] = h;
  return h;
}

std::shared_ptr<ReviewHandle> ReviewRegistry::create(const std::string& name, const std::string& title,
                                                     const nlohmann::json& question, Diagnostics& ds) {
  if (!check_name(name, ds)) return nullptr;
  if (dir_.empty()) {
    ds.error("no-reviews-dir", kNowhere, "this server has no folder for new reviews",
             "start it with `evident serve --reviews DIR`");
    return nullptr;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  std::error_code ec;
  if (open_.count(name) != 0 || std::filesystem::exists(path_of(name), ec)) {
    ds.error("store-exists", kNowhere, "a review named '" + name + "' exists", "open it, or choose another name");
    return nullptr;
  }
  std::filesystem::create_directories(dir_, ec);
  store::OpenResult made = store::create_review(path_of(name), title, question);
  ds.append(made.diagnostics);
  if (!made.store) return nullptr;
  auto h = make_handle(name, std::move(made.store));
  open_[name] = h;
  return h;
}

std::vector<std::string> ReviewRegistry::names() const {
  std::set<std::string> out;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [n, h] : open_) out.insert(n);
  }
  std::error_code ec;
  if (!dir_.empty())
    for (std::filesystem::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
      const auto& p = it->path();
      if (p.extension() == kExtension && valid_name(p.stem().string()) && it->is_regular_file(ec))
        out.insert(p.stem().string());
    }
  return {out.begin(), out.end()};
}

}  // namespace evident::server
