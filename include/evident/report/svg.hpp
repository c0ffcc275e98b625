// evident: a small SVG 1.1 writer shared by every figure of the report area (forest plots, network
// graph, rankogram, funnel plots, net heat, PRISMA flow).
//
// Figures are pure functions from result structs to an Svg document; nothing here does I/O.
// Conventions every figure follows (so that tests can read the numbers back):
//  - the root <svg> has width, height and viewBox in px, font-family "Helvetica, Arial, sans-serif";
//  - every element that stands for a datum (a study row, a node, an edge, a bar) is a <g> with a
//    `class` naming the kind (e.g. "study", "node") and `data-*` attributes holding the numbers in
//    full precision (17 significant digits, as JSON would write them), so a test or a script can check the
//    figure against the analysis without parsing drawn coordinates;
//  - text is escaped (& < > " '), never raw.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace evident::svg {

/// Escapes & < > " ' for text content and attribute values.
std::string escape(std::string_view text);

/// A number in full precision for data-* attributes ("NaN" -> "", infinities as "Inf"/"-Inf").
std::string full(double x);

/// A number rounded to `digits` decimals for drawing coordinates ("12.5", never "1e+01").
std::string fixed(double x, int digits = 2);

/// A number for people: `digits` decimals, a real minus sign (U+2212) for negatives, "" for NaN.
std::string label(double x, int digits = 2);

/// Approximate width in px of `text` in Helvetica at `size` px (per-character advance widths of
/// Helvetica's AFM metrics, grouped), for laying out columns before the browser measures them.
double text_width(std::string_view text, double size, bool bold = false);

/// Attributes of an element, written in the order given.
using Attrs = std::vector<std::pair<std::string, std::string>>;

/// A map from data to pixels on a linear or a log scale.
struct Scale {
  double d0 = 0.0, d1 = 1.0;  ///< data domain
  double p0 = 0.0, p1 = 1.0;  ///< pixel range
  bool log = false;           ///< log scale (domain values must be > 0)
  double operator()(double x) const;
};

/// About `n` "nice" tick values (1, 2, 2.5, 5 x 10^k steps) covering [lo, hi]; for a log scale, the
/// ticks 0.01, 0.1, 0.2, 0.5, 1, 2, 5, 10 ... that fall in [lo, hi].
std::vector<double> ticks(double lo, double hi, std::size_t n = 5, bool log = false);

/// Palette (colour-blind safe, Okabe-Ito) and the risk-of-bias / certainty colours.
namespace colour {
inline constexpr const char* ink = "#222222";
inline constexpr const char* grey = "#888888";
inline constexpr const char* light = "#dddddd";
inline constexpr const char* blue = "#0072B2";
inline constexpr const char* orange = "#E69F00";
inline constexpr const char* green = "#009E73";
inline constexpr const char* red = "#D55E00";
inline constexpr const char* purple = "#CC79A7";
inline constexpr const char* sky = "#56B4E9";
inline constexpr const char* yellow = "#F0E442";
inline constexpr const char* low_risk = "#1a9641";   ///< RoB low / high certainty
inline constexpr const char* some_risk = "#fdae61";  ///< RoB some concerns / moderate
inline constexpr const char* high_risk = "#d7191c";  ///< RoB high / low or very low
/// The i-th colour of the categorical palette (cycles).
const char* categorical(std::size_t i);
}  // namespace colour

/// An SVG document built element by element.
class Svg {
 public:
  Svg(double width, double height);

  double width() const { return width_; }
  double height() const { return height_; }
  /// Changes the size (figures that size themselves after laying out their rows).
  void resize(double width, double height);

  /// <title> of the figure (read by screen readers and shown by browsers).
  void title(std::string_view text);
  /// <g attrs> ... </g>; groups nest.
  void open_group(const Attrs& attrs);
  void close_group();

  void line(double x1, double y1, double x2, double y2, const Attrs& attrs = {});
  void rect(double x, double y, double w, double h, const Attrs& attrs = {});
  void circle(double cx, double cy, double r, const Attrs& attrs = {});
  void polygon(const std::vector<std::pair<double, double>>& points, const Attrs& attrs = {});
  void polyline(const std::vector<std::pair<double, double>>& points, const Attrs& attrs = {});
  void path(std::string_view d, const Attrs& attrs = {});
  /// Text at (x, y) (baseline); attrs may set text-anchor, font-size, font-weight, fill.
  void text(double x, double y, std::string_view content, const Attrs& attrs = {});
  /// Any element with children written by the caller (escaped content), e.g. a <title> tooltip.
  void element(std::string_view name, const Attrs& attrs, std::string_view content);

  /// The document: XML declaration-free <svg> ... </svg> (embeddable inline in HTML as is).
  std::string str() const;

 private:
  double width_, height_;
  std::string title_;
  std::string body_;
  int depth_ = 0;
};

}  // namespace evident::svg
