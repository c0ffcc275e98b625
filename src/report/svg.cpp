// evident: SVG writer (see svg.hpp).
#include "evident/report/svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace evident::svg {
namespace {

void write_attrs(std::string& out, const Attrs& attrs) {
  for (const auto& [k, v] : attrs) {
    out += ' ';
    out += k;
    out += "=\"";
    out += escape(v);
    out += '"';
  }
}

std::string point_list(const std::vector<std::pair<double, double>>& points) {
  std::string s;
  for (const auto& [x, y] : points) {
    if (!s.empty()) s += ' ';
    s += fixed(x) + "," + fixed(y);
  }
  return s;
}

}  // namespace

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string full(double x) {
  if (std::isnan(x)) return "";
  if (std::isinf(x)) return x > 0 ? "Inf" : "-Inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  return buf;
}

std::string fixed(double x, int digits) {
  if (!std::isfinite(x)) return "0";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, x);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

std::string label(double x, int digits) {
  if (std::isnan(x)) return "";
  if (std::isinf(x)) return x > 0 ? "\xE2\x88\x9E" : "\xE2\x88\x92\xE2\x88\x9E";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, std::fabs(x));
  std::string s = buf;
  // a negative that rounds to zero prints without a sign
  const bool zero = s.find_first_not_of("0.") == std::string::npos;
  if (x < 0 && !zero) s.insert(0, "\xE2\x88\x92");
  return s;
}

double text_width(std::string_view text, double size, bool bold) {
  double units = 0.0;  // 1/1000 em, Helvetica advance widths grouped
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {  // a UTF-8 sequence counts once, as an average glyph
      if ((c & 0xC0) == 0xC0) units += 600;
      continue;
    }
    if (std::string_view("il.,:;'|!").find(static_cast<char>(c)) != std::string_view::npos)
      units += 240;
    else if (std::string_view("jftrI()[]/ -").find(static_cast<char>(c)) != std::string_view::npos)
      units += 310;
    else if (c == 'm' || c == 'M' || c == 'W')
      units += 860;
    else if (c == 'w')
      units += 722;
    else if (c >= 'A' && c <= 'Z')
      units += 680;
    else
      units += 556;  // digits, most lowercase letters
  }
  return units / 1000.0 * size * (bold ? 1.06 : 1.0);
}

double Scale::operator()(double x) const {
  double t;
  if (log) {
    const double a = std::log(d0), b = std::log(d1);
    t = b == a ? 0.5 : (std::log(x) - a) / (b - a);
  } else {
    t = d1 == d0 ? 0.5 : (x - d0) / (d1 - d0);
  }
  return p0 + t * (p1 - p0);
}

std::vector<double> ticks(double lo, double hi, std::size_t n, bool log) {
  std::vector<double> out;
  if (!(std::isfinite(lo) && std::isfinite(hi)) || n == 0) return out;
  if (lo > hi) std::swap(lo, hi);
  if (log) {
    if (!(lo > 0.0)) return out;
    const int e0 = static_cast<int>(std::floor(std::log10(lo))) - 1;
    const int e1 = static_cast<int>(std::ceil(std::log10(hi))) + 1;
    const double span = std::log10(hi / lo);
    // 1-2-5 steps for short ranges, decades for long ones
    const std::vector<double> mantissas = span <= 2.5 ? std::vector<double>{1, 2, 5} : std::vector<double>{1};
    for (int e = e0; e <= e1; ++e)
      for (const double m : mantissas) {
        const double v = m * std::pow(10.0, e);
        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push_back(v);
      }
    return out;
  }
  if (hi == lo) return {lo};
  const double raw = (hi - lo) / static_cast<double>(n);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (const double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  const double first = std::ceil(lo / step - 1e-9) * step;
  for (double v = first; v <= hi + step * 1e-9; v += step) out.push_back(std::fabs(v) < step * 1e-9 ? 0.0 : v);
  return out;
}

const char* colour::categorical(std::size_t i) {
  static const char* const palette[] = {blue, orange, green, red, purple, sky, yellow, grey};
  return palette[i % (sizeof palette / sizeof palette[0])];
}

Svg::Svg(double width, double height) : width_(width), height_(height) {}

void Svg::resize(double width, double height) {
  width_ = width;
  height_ = height;
}

void Svg::title(std::string_view text) { title_ = std::string(text); }

void Svg::open_group(const Attrs& attrs) {
  body_ += "<g";
  write_attrs(body_, attrs);
  body_ += ">\n";
  ++depth_;
}

void Svg::close_group() {
  if (depth_ == 0) return;  // unbalanced close: ignored rather than writing broken XML
  body_ += "</g>\n";
  --depth_;
}

void Svg::line(double x1, double y1, double x2, double y2, const Attrs& attrs) {
  body_ += "<line x1=\"" + fixed(x1) + "\" y1=\"" + fixed(y1) + "\" x2=\"" + fixed(x2) + "\" y2=\"" + fixed(y2) + "\"";
  write_attrs(body_, attrs);
  body_ += "/>\n";
}

void Svg::rect(double x, double y, double w, double h, const Attrs& attrs) {
  body_ += "<rect x=\"" + fixed(x) + "\" y=\"" + fixed(y) + "\" width=\"" + fixed(std::max(0.0, w)) +
           "\" height=\"" + fixed(std::max(0.0, h)) + "\"";
  write_attrs(body_, attrs);
  body_ += "/>\n";
}

void Svg::circle(double cx, double cy, double r, const Attrs& attrs) {
  body_ += "<circle cx=\"" + fixed(cx) + "\" cy=\"" + fixed(cy) + "\" r=\"" + fixed(std::max(0.0, r)) + "\"";
  write_attrs(body_, attrs);
  body_ += "/>\n";
}

void Svg::polygon(const std::vector<std::pair<double, double>>& points, const Attrs& attrs) {
  body_ += "<polygon points=\"" + point_list(points) + "\"";
  write_attrs(body_, attrs);
  body_ += "/>\n";
}

void Svg::polyline(const std::vector<std::pair<double, double>>& points, const Attrs& attrs) {
  body_ += "<polyline points=\"" + point_list(points) + "\" fill=\"none\"";
  write_attrs(body_, attrs);
  body_ += "/>\n";
}

void Svg::path(std::string_view d, const Attrs& attrs) {
  body_ += "<path d=\"" + escape(d) + "\"";
  write_attrs(body_, attrs);
  body_ += "/>\n";
}

void Svg::text(double x, double y, std::string_view content, const Attrs& attrs) {
  body_ += "<text x=\"" + fixed(x) + "\" y=\"" + fixed(y) + "\"";
  write_attrs(body_, attrs);
  body_ += '>';
  body_ += escape(content);
  body_ += "</text>\n";
}

void Svg::element(std::string_view name, const Attrs& attrs, std::string_view content) {
  body_ += '<';
  body_ += name;
  write_attrs(body_, attrs);
  body_ += '>';
  body_ += escape(content);
  body_ += "</";
  body_ += name;
  body_ += ">\n";
}

std::string Svg::str() const {
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + fixed(width_) + "\" height=\"" +
                    fixed(height_) + "\" viewBox=\"0 0 " + fixed(width_) + " " + fixed(height_) +
                    "\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n";
  if (!title_.empty()) out += "<title>" + escape(title_) + "</title>\n";
  out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  out += body_;
  for (int i = 0; i < depth_; ++i) out += "</g>\n";
  out += "</svg>\n";
  return out;
}

}  // namespace evident::svg
