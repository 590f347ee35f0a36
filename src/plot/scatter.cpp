// Scatter plot rendering with Cairo into an in-memory PNG: frame, grid, ticks, markers, and point labels
// placed beside their markers where they collide with nothing already drawn.
#include "plot/scatter.h"

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <sstream>

#include "core/error.h"
#include "io/atomic_file.h"
#include "plot/axis.h"

namespace peft::plot {
namespace {

constexpr double kTickFont = 12, kAxisLabelFont = 14, kTitleFont = 16, kPointLabelFont = 12;
constexpr double kTickLength = 5, kMinorTickLength = 3, kMarkerRadius = 4.5, kPad = 12;
constexpr int kMinWidth = 200, kMinHeight = 150, kMaxSide = 10000;

struct Box {
  double x0, y0, x1, y1;
  bool overlaps(const Box& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
  bool inside(const Box& o) const { return x0 >= o.x0 && x1 <= o.x1 && y0 >= o.y0 && y1 <= o.y1; }
};

// Text placed by an anchor: (ax, ay) are fractions of the text box (0,0 = top left) put at (x, y).
struct Text {
  cairo_t* cr;
  double size;
  bool bold = false;

  void use_font() const {
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
  }
  double width(const std::string& s) const {
    use_font();
    cairo_text_extents_t e;
    cairo_text_extents(cr, s.c_str(), &e);
    return e.x_advance;
  }
  double height() const {
    use_font();
    cairo_font_extents_t f;
    cairo_font_extents(cr, &f);
    return f.ascent + f.descent;
  }
  Box box(const std::string& s, double x, double y, double ax, double ay) const {
    const double w = width(s), h = height();
    return {x - ax * w, y - ay * h, x - ax * w + w, y - ay * h + h};
  }
  void draw(const std::string& s, double x, double y, double ax, double ay) const {
    const Box b = box(s, x, y, ax, ay);
    cairo_font_extents_t f;
    cairo_font_extents(cr, &f);
    cairo_move_to(cr, b.x0, b.y0 + f.ascent);
    cairo_show_text(cr, s.c_str());
  }
};

void validate(const std::string& path, const std::vector<Point>& points, const ScatterOptions& options) {
  require(options.width >= kMinWidth && options.height >= kMinHeight && options.width <= kMaxSide &&
              options.height <= kMaxSide,
          path + ": plot size " + std::to_string(options.width) + "x" + std::to_string(options.height) +
              " is outside 200x150 .. 10000x10000");
  require(!points.empty(), path + ": no points to plot");
  for (const Point& p : points) {
    require(std::isfinite(p.x) && std::isfinite(p.y), path + ": point '" + p.label + "' has a non-finite coordinate");
    if (options.log_x && p.x <= 0) {
      std::ostringstream message;
      message << path << ": point '" << p.label << "' has x = " << p.x << ", which a log x axis cannot show";
      throw Error(message.str());
    }
  }
}

// Pixel rectangle of the plotting area and the mapping from data into it.
struct Frame {
  double left, top, right, bottom;
  Axis x, y;
  double px(double v) const { return left + x.position(v) * (right - left); }
  double py(double v) const { return bottom - y.position(v) * (bottom - top); }
};

Frame layout(cairo_t* cr, const std::vector<Point>& points, const ScatterOptions& o) {
  auto [xmin, xmax] = std::minmax_element(points.begin(), points.end(), [](auto& a, auto& b) { return a.x < b.x; });
  auto [ymin, ymax] = std::minmax_element(points.begin(), points.end(), [](auto& a, auto& b) { return a.y < b.y; });
  Frame f{0, 0, 0, 0, make_axis(xmin->x, xmax->x, o.log_x, o.x_percent), make_axis(ymin->y, ymax->y, false, false)};

  const Text ticks{cr, kTickFont}, labels{cr, kAxisLabelFont}, title{cr, kTitleFont, true};
  double widest_y_tick = 0;
  for (const Tick& t : f.y.ticks) widest_y_tick = std::max(widest_y_tick, ticks.width(t.label));
  const double last_x_tick = f.x.ticks.empty() ? 0 : ticks.width(f.x.ticks.back().label);

  f.left = kPad + (o.y_label.empty() ? 0 : labels.height() + 8) + widest_y_tick + 4 + kTickLength;
  f.top = kPad + (o.title.empty() ? 4 : title.height() + 10);
  f.right = o.width - std::max(2 * kPad, last_x_tick / 2 + 4);
  f.bottom = o.height - (kPad + kTickLength + 4 + ticks.height() + (o.x_label.empty() ? 0 : labels.height() + 6));
  return f;
}

double crisp(double v) { return std::round(v) + 0.5; }  // 1-pixel lines on pixel centres stay sharp

void draw_axes(cairo_t* cr, const Frame& f, const ScatterOptions& o) {
  const Text ticks{cr, kTickFont};
  cairo_set_line_width(cr, 1);
  for (const Tick& t : f.x.ticks) {
    const double x = crisp(f.px(t.value));
    if (!t.label.empty()) {
      cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
      cairo_move_to(cr, x, f.top);
      cairo_line_to(cr, x, f.bottom);
      cairo_stroke(cr);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_move_to(cr, x, f.bottom);
    cairo_line_to(cr, x, f.bottom + (t.label.empty() ? kMinorTickLength : kTickLength));
    cairo_stroke(cr);
    ticks.draw(t.label, x, f.bottom + kTickLength + 3, 0.5, 0);
  }
  for (const Tick& t : f.y.ticks) {
    const double y = crisp(f.py(t.value));
    cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
    cairo_move_to(cr, f.left, y);
    cairo_line_to(cr, f.right, y);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_move_to(cr, f.left - kTickLength, y);
    cairo_line_to(cr, f.left, y);
    cairo_stroke(cr);
    ticks.draw(t.label, f.left - kTickLength - 4, y, 1, 0.5);
  }
  cairo_rectangle(cr, crisp(f.left), crisp(f.top), std::round(f.right - f.left), std::round(f.bottom - f.top));
  cairo_stroke(cr);

  const Text labels{cr, kAxisLabelFont}, title{cr, kTitleFont, true};
  title.draw(o.title, (f.left + f.right) / 2, kPad, 0.5, 0);
  labels.draw(o.x_label, (f.left + f.right) / 2, o.height - kPad, 0.5, 1);
  cairo_save(cr);
  cairo_translate(cr, kPad, (f.top + f.bottom) / 2);
  cairo_rotate(cr, -M_PI / 2);
  labels.draw(o.y_label, 0, 0, 0.5, 0);
  cairo_restore(cr);
}

void draw_points(cairo_t* cr, const Frame& f, const std::vector<Point>& points, const ScatterOptions& o) {
  // Markers first, so labels can avoid all of them; then labels greedily, each at its best spot.
  std::vector<Box> taken;
  for (const Point& p : points) {
    const double x = f.px(p.x), y = f.py(p.y);
    cairo_new_path(cr);  // text leaves a current point, which cairo_arc would join with a line
    cairo_arc(cr, x, y, kMarkerRadius, 0, 2 * M_PI);
    cairo_set_source_rgb(cr, 0.16, 0.45, 0.75);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.05, 0.2, 0.4);
    cairo_set_line_width(cr, 1);
    cairo_stroke(cr);
    taken.push_back({x - kMarkerRadius, y - kMarkerRadius, x + kMarkerRadius, y + kMarkerRadius});
  }
  const Text text{cr, kPointLabelFont};
  const Box image{0, 0, double(o.width), double(o.height)};
  const double gap = kMarkerRadius + 3;
  // (dx, dy, ax, ay): right, then above/below right, left, above/below left, straight above/below.
  const double spots[][4] = {{gap, 0, 0, 0.5},  {gap - 2, -gap + 2, 0, 1}, {gap - 2, gap - 2, 0, 0},
                             {-gap, 0, 1, 0.5}, {2 - gap, 2 - gap, 1, 1},  {2 - gap, gap - 2, 1, 0},
                             {0, -gap, 0.5, 1}, {0, gap, 0.5, 0}};
  const Box plot{f.left, f.top, f.right, f.bottom};
  // Lower is better: free and inside the frame, free anywhere in the image, crowded, cut off.
  auto badness = [&](const Box& b) {
    const bool free = std::none_of(taken.begin(), taken.end(), [&](const Box& t) { return t.overlaps(b); });
    return free && b.inside(plot) ? 0 : free && b.inside(image) ? 1 : b.inside(image) ? 2 : 3;
  };
  cairo_set_source_rgb(cr, 0.12, 0.12, 0.12);
  for (const Point& p : points) {
    if (p.label.empty()) continue;
    const double x = f.px(p.x), y = f.py(p.y);
    Box best_box{};
    int best = 4;
    for (const auto& s : spots) {
      const Box b = text.box(p.label, x + s[0], y + s[1], s[2], s[3]);
      const int score = badness(b);
      if (score < best) {
        best = score;
        best_box = b;
      }
      if (best == 0) break;
    }
    taken.push_back(best_box);
    text.draw(p.label, best_box.x0, best_box.y0, 0, 0);
  }
}

cairo_status_t append_to_string(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

void write_scatter_png(const std::string& path, const std::vector<Point>& points, const ScatterOptions& options) {
  validate(path, points, options);
  std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> surface(
      cairo_image_surface_create(CAIRO_FORMAT_ARGB32, options.width, options.height), cairo_surface_destroy);
  std::unique_ptr<cairo_t, decltype(&cairo_destroy)> context(cairo_create(surface.get()), cairo_destroy);
  cairo_t* cr = context.get();

  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  const Frame frame = layout(cr, points, options);
  draw_axes(cr, frame, options);
  draw_points(cr, frame, points, options);
  require(cairo_status(cr) == CAIRO_STATUS_SUCCESS,
          path + ": drawing failed: " + cairo_status_to_string(cairo_status(cr)));

  std::string png;
  const cairo_status_t status = cairo_surface_write_to_png_stream(surface.get(), append_to_string, &png);
  require(status == CAIRO_STATUS_SUCCESS, path + ": PNG encoding failed: " + cairo_status_to_string(status));
  io::write_file_atomic(path, png);
}

bool png_plots_available() { return true; }

}  // namespace peft::plot
