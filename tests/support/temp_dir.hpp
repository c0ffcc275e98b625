// A temporary folder for a test, removed with everything in it (e.g. a store's -wal / -shm files) at the end.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>

namespace evident::test {

class TempDir {
 public:
  /// <temp>/evident-<prefix>-<pid>-<name>, made empty.
  TempDir(const std::string& prefix, const std::string& name)
      : dir_(std::filesystem::temp_directory_path() /
             ("evident-" + prefix + "-" + std::to_string(::getpid()) + "-" + name)) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return dir_; }
  [[nodiscard]] std::string file(const std::string& name = "review.evident") const { return (dir_ / name).string(); }

 private:
  std::filesystem::path dir_;
};

}  // namespace evident::test
