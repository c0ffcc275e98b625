// evident: the net heat plot of a network meta-analysis as SVG (R netmeta netheat() is the yardstick).
//
// Krahn, Binder & König 2013, "A graphical tool for locating inconsistency in network meta-analyses",
// BMC Med Res Methodol 13:35, doi:10.1186/1471-2288-13-35, Sect. "Net heat plot" (Fig. 3): a square
// matrix over the design contrasts (evident::NetHeat, evidence_flow.hpp, computed as netheat()):
//  - the grey square in cell [row i, column c] has side proportional to the contribution of the
//    direct estimate of column c to the network estimate of row i (NetHeat::size = |H|), drawn as
//    netheat does: side = (sqrt((size - min) / (max - min)) + 0.1) / 1.4 of the cell, over the cells
//    of the matrix;
//  - the cell's colour shows NetHeat::change (Q of row i after detaching the design of column c
//    minus Q before): red where detaching lowers the inconsistency (change < 0: the column's design
//    adds to the inconsistency of the row), blue where it raises it (change > 0), white at 0, the
//    intensity proportional to |change| / max |change| (netheat's diverging palette; its exact
//    colour breaks are not reproduced); NaN (design not detachable): hatched grey;
//  - design boundaries as lines; contrast labels (netheat's labels) on the left and on top.
// Rows keep NetHeat's order (netheat's hclust display order is not computed). An unavailable net heat
// (NetHeat::available false) gives a small figure stating the reason (its diagnostics), never a crash.
// Checked: cell count and every data-change / data-size against NetHeat's matrices
// (tests/unit/report/netheat_plot_test.cpp).
#pragma once

#include <string>

#include "evident/core/diagnostic.hpp"
#include "evident/network/evidence_flow.hpp"

namespace evident::report {

struct NetHeatPlotOptions {
  double cell = 0.0;  ///< cell size in px; 0 = automatic (between 14 and 40 px)
  double font_size = 11.0;
  std::string title;  ///< default "Net heat plot (common effect)" / "(random effects, tau = ...)"
};

struct NetHeatPlot {
  std::string svg;
  Diagnostics diagnostics;
};

NetHeatPlot net_heat_plot(const NetHeat& heat, const NetHeatPlotOptions& options = {});

}  // namespace evident::report
