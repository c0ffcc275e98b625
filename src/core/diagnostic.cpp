#include "evident/core/diagnostic.hpp"

#include <algorithm>

namespace evident {

const char* severity_name(Severity s) {
  switch (s) {
    case Severity::error:
      return "error";
    case Severity::warning:
      return "warning";
    case Severity::note:
      return "note";
  }
  return "error";
}

std::string format_diagnostic(const Diagnostic& d) {
  std::string out;
  if (!d.location.file.empty()) {
    out += d.location.file;
    if (d.location.line > 0) {
      out += ':' + std::to_string(d.location.line);
      if (d.location.column > 0) out += ':' + std::to_string(d.location.column);
    }
    out += ": ";
  }
  out += severity_name(d.severity);
  out += ": ";
  out += d.message;
  if (!d.hint.empty()) out += " (hint: " + d.hint + ")";
  return out;
}

Diagnostic& Diagnostics::add(Diagnostic d) {
  items_.push_back(std::move(d));
  return items_.back();
}

Diagnostic& Diagnostics::error(std::string code, SourceLocation loc, std::string message, std::string hint) {
  return add({std::move(code), Severity::error, std::move(loc), {}, {}, std::move(message), std::move(hint)});
}

Diagnostic& Diagnostics::warning(std::string code, SourceLocation loc, std::string message, std::string hint) {
  return add({std::move(code), Severity::warning, std::move(loc), {}, {}, std::move(message), std::move(hint)});
}

Diagnostic& Diagnostics::note(std::string code, SourceLocation loc, std::string message, std::string hint) {
  return add({std::move(code), Severity::note, std::move(loc), {}, {}, std::move(message), std::move(hint)});
}

bool Diagnostics::has_errors() const {
  return error_count() > 0;
}

std::size_t Diagnostics::error_count() const {
  return static_cast<std::size_t>(
      std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) { return d.severity == Severity::error; }));
}

void Diagnostics::append(const Diagnostics& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

}  // namespace evident
