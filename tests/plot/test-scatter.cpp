// Tests for scatter PNG output: a valid image of the requested size with something drawn, atomic writes,
// and one-line errors for input a plot cannot show.
#include <cairo.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <memory>

#include "support/scratch.h"
#include "core/error.h"
#include "io/atomic_file.h"
#include "plot/scatter.h"

using peft::test::expect_error;
using peft::test::TempDirTest;

using peft::plot::Point;
using peft::plot::ScatterOptions;
using peft::plot::write_scatter_png;

namespace {

const std::vector<Point> kMethods = {{1.0, 0.84, "full fine-tuning"}, {0.036, 0.83, "adapters"},
                                     {0.0027, 0.82, "LoRA"},          {0.00012, 0.79, "(IA)3"},
                                     {0.0001, 0.71, "prompt tuning"},  {0.0011, 0.80, "BitFit"}};

ScatterOptions options() {
  ScatterOptions o;
  o.title = "Accuracy vs trainable parameters";
  o.x_label = "trainable parameters (share of the model)";
  o.y_label = "accuracy";
  o.log_x = true;
  o.x_percent = true;
  return o;
}

}  // namespace

class Scatter : public TempDirTest {};

TEST_F(Scatter, WritesAPngOfTheRequestedSize) {
  const std::string file = path("plot.png");
  write_scatter_png(file, kMethods, options());
  const std::string bytes = peft::io::read_file(file);
  EXPECT_EQ(bytes.substr(0, 8), "\x89PNG\r\n\x1a\n");
  EXPECT_GT(bytes.size(), 5000u);

  std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> image(
      cairo_image_surface_create_from_png(file.c_str()), cairo_surface_destroy);
  ASSERT_EQ(cairo_surface_status(image.get()), CAIRO_STATUS_SUCCESS);
  EXPECT_EQ(cairo_image_surface_get_width(image.get()), 800);
  EXPECT_EQ(cairo_image_surface_get_height(image.get()), 560);

  // Markers are the only blue in the image: count strongly blue pixels.
  cairo_surface_flush(image.get());
  const unsigned char* data = cairo_image_surface_get_data(image.get());
  const int stride = cairo_image_surface_get_stride(image.get());
  int blue = 0;
  for (int y = 0; y < 560; ++y)
    for (int x = 0; x < 800; ++x) {
      const uint32_t px = *reinterpret_cast<const uint32_t*>(data + y * stride + 4 * x);
      const int r = (px >> 16) & 0xff, b = px & 0xff;
      blue += b > 150 && r < 80;
    }
  EXPECT_GT(blue, 6 * 30);
  EXPECT_EQ(listing(), std::vector<std::string>{"plot.png"});
}

TEST_F(Scatter, LinearAxesAndEmptyTextsWork) {
  ScatterOptions o;
  o.width = 300;
  o.height = 200;
  write_scatter_png(path("small.png"), {{-1, 5, ""}, {2, 5, "b"}}, o);
  EXPECT_EQ(peft::io::read_file(path("small.png")).substr(1, 3), "PNG");
}

TEST_F(Scatter, RejectsWhatItCannotDraw) {
  const std::string file = path("bad.png");
  expect_error([&] { write_scatter_png(file, {}, options()); }, file + ": no points to plot");
  expect_error([&] { write_scatter_png(file, {{0.0, 0.5, "zero"}}, options()); },
               file + ": point 'zero' has x = 0, which a log x axis cannot show");
  expect_error([&] { write_scatter_png(file, {{-0.5, 0.5, "neg"}}, options()); }, "point 'neg' has x = -0.5");
  expect_error([&] { write_scatter_png(file, {{0.1, std::nan(""), "nan"}}, options()); },
               "point 'nan' has a non-finite coordinate");
  ScatterOptions tiny = options();
  tiny.width = 10;
  expect_error([&] { write_scatter_png(file, kMethods, tiny); }, "plot size 10x560 is outside");
  EXPECT_TRUE(listing().empty());
}

// Not a check: leaves /tmp/plot-sample.png for a person to look at.
TEST(ScatterSample, RendersSampleForVisualInspection) {
  write_scatter_png("/tmp/plot-sample.png", kMethods, options());
}
