// evident: diagnostics with source locations.
//
// Every problem found in user input, and every numerical fallback, becomes one Diagnostic:
// a stable code, a severity, where it is (file, line, column, study, field), what is wrong and
// a hint on how to fix it. Readers collect all problems of a file before returning.
#pragma once

#include <string>
#include <vector>

namespace evident {

enum class Severity { error, warning, note };

/// Where a value came from. line and column are 1-based; 0 means "not known".
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
};

struct Diagnostic {
  std::string code;  ///< stable machine-readable identifier, e.g. "negative-sd"
  Severity severity = Severity::error;
  SourceLocation location;
  std::string study;    ///< study label, when known
  std::string field;    ///< column or field name, when known
  std::string message;  ///< what is wrong, one sentence, no trailing period
  std::string hint;     ///< how to fix it (may be empty)
};

/// "file:line:col: error: message (hint: ...)" - the compiler-style line the CLI prints.
std::string format_diagnostic(const Diagnostic& d);

const char* severity_name(Severity s);

/// A list of diagnostics with small helpers; collects, never throws.
class Diagnostics {
 public:
  Diagnostic& add(Diagnostic d);
  Diagnostic& error(std::string code, SourceLocation loc, std::string message, std::string hint = {});
  Diagnostic& warning(std::string code, SourceLocation loc, std::string message, std::string hint = {});
  Diagnostic& note(std::string code, SourceLocation loc, std::string message, std::string hint = {});

  [[nodiscard]] bool has_errors() const;
  [[nodiscard]] std::size_t error_count() const;
  [[nodiscard]] const std::vector<Diagnostic>& items() const { return items_; }
  [[nodiscard]] std::vector<Diagnostic>& items() { return items_; }
  void append(const Diagnostics& other);
  [[nodiscard]] bool empty() const { return items_.empty(); }
  [[nodiscard]] std::size_t size() const { return items_.size(); }

 private:
  std::vector<Diagnostic> items_;
};

}  // namespace evident
