// evident: the network graph of a network meta-analysis as SVG (R netmeta netgraph() is the yardstick).
//
// What it draws (docs/methods/figures-network-prisma.md):
//  - nodes = treatments, their area proportional to the number of participants (sum of the arms' n
//    over the studies of the network, when the data has it for every arm) or to the number of studies;
//  - edges = pairs of treatments compared directly, line width proportional to the number of studies
//    (netgraph(thickness = "number.of.studies")), the count optionally written on the edge;
//  - a shaded polygon per multi-arm design joining its treatments (netgraph(multiarm = TRUE));
//  - edges optionally coloured by risk of bias (the majority or the average of the studies' overall
//    RoB 2 judgement) or by a certainty map comparison -> level, with a legend;
//  - the parts of a disconnected network that were not analysed are drawn too, greyed.
// Layouts:
//  - circle: treatments on a circle (netgraph's default start.layout = "circle"); the order starts from
//    the better of the NMA order and the angular order of the classical-MDS embedding of graph
//    distances, then pairwise swaps that lower the number of crossing chords are made (greedy local
//    search, deterministic, with a work budget for big networks);
//  - optimal: stress majorisation (Gansner, Koren & North 2004, "Graph drawing by stress
//    majorization", Graph Drawing 2004, LNCS 3383:239-250, doi:10.1007/978-3-540-31843-9_25, eq. 1
//    with w_ij = d_ij^-2 and the SMACOF update of Sect. 2.1) on shortest-path hop distances, started
//    deterministically from classical MDS (Torgerson 1952); netmeta's netgraph(iterate = TRUE) optimises
//    a stress of the same kind (Rücker & Schwarzer 2016, Res Synth Methods 7:94-107,
//    doi:10.1002/jrsm.1143), and netgraph(seq = "optimal") a crossing-poor circle order. Nodes closer
//    than twice the largest radius plus a gap are then pushed apart, so circles never overlap.
// Labels sit outside their node, in the first of 17 directions (outward first) x 3 distances where
// they overlap no node and no other label (greedy placement).
// Nothing here is numerical output checked against R: netgraph's pictures are the visual reference;
// the tests check counts (nodes, edges, studies, participants, multi-arm polygons), determinism, no
// overlaps, and crossings (tests/unit/report/network_graph_test.cpp).
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "evident/certainty/judgement.hpp"
#include "evident/core/diagnostic.hpp"
#include "evident/data/dataset.hpp"
#include "evident/network/nma.hpp"

namespace evident::report {

/// Colour class of an edge: low risk of bias / high certainty, some concerns / moderate, high risk /
/// low or very low (svg::colour::low_risk, some_risk, high_risk).
enum class EdgeRating { low, some, high };

struct GraphNode {
  std::string name;
  std::size_t studies = 0;             ///< studies including the treatment
  std::optional<double> participants;  ///< sum of arm n; unset when unknown for some arm
  bool analysed = true;                ///< false: in a subnetwork left out of the NMA (drawn grey)
};

struct GraphEdge {
  std::size_t a = 0, b = 0;  ///< node indices
  std::size_t studies = 0;   ///< studies comparing a and b directly (multi-arm studies count for each pair)
  std::optional<EdgeRating> rating;
};

struct GraphMultiArm {
  std::string design;              ///< treatments joined by ":"
  std::vector<std::size_t> nodes;  ///< node indices
  std::size_t studies = 0;
};

struct NetworkGraphData {
  std::vector<GraphNode> nodes;
  std::vector<GraphEdge> edges;
  std::vector<GraphMultiArm> multiarm;
  /// Legend of the edge colours (empty: edges not coloured): title and the names of the three classes.
  std::string rating_title;
  std::vector<std::string> rating_labels;  ///< low, some, high
  Diagnostics diagnostics;                 ///< notes of the builder (e.g. participants unknown)
};

/// How the risk of bias of a comparison is summarised from its studies' overall judgements.
enum class RobSummary { majority, average };

struct GraphBuildOptions {
  const Dataset* data = nullptr;                  ///< for participants (arm n) and risk of bias
  const Outcome* outcome = nullptr;               ///< the outcome analysed; default: the dataset's only outcome
  bool colour_by_rob = false;                     ///< needs data with RoB
  RobSummary rob_summary = RobSummary::majority;  ///< majority (ties to the worse) or rounded average
  /// Certainty per comparison, keyed "treat1:treat2" (either order); non-empty = colour by certainty
  /// (takes precedence over colour_by_rob).
  std::map<std::string, Certainty> certainty;
};

/// The graph of an NMA: the analysed comparisons (comparisons_data) and the contrasts of subnetworks
/// left out (NmaResult::excluded, "not connected"), greyed.
NetworkGraphData network_graph_data(const NmaResult& nma, const GraphBuildOptions& options = {});

enum class GraphLayout { circle, optimal };
enum class NodeSizeBy { participants, studies, equal };

struct NetworkGraphOptions {
  GraphLayout layout = GraphLayout::circle;
  NodeSizeBy node_size = NodeSizeBy::participants;  ///< participants unknown -> studies (with a note)
  bool edge_labels = false;                         ///< write the number of studies on each edge
  bool multiarm = true;                             ///< shade multi-arm designs
  double font_size = 12.0;
  std::string title;
  std::size_t max_iterations = 1000;  ///< stress majorisation
  double tolerance = 1e-7;            ///< relative change of stress to stop
};

struct NetworkGraphFigure {
  std::string svg;
  std::vector<double> x, y, radius;       ///< node centres and radii in px (the SVG's coordinates)
  std::vector<std::size_t> circle_order;  ///< circle layout: node indices around each component's circle
  std::size_t crossings = 0;              ///< pairs of edges (no shared node) whose drawn lines cross
  double stress = 0.0;                    ///< optimal layout: final stress (in hop units); 0 otherwise
  std::size_t iterations = 0;             ///< stress majorisation iterations (summed over components)
  Diagnostics diagnostics;
};

NetworkGraphFigure network_graph(const NetworkGraphData& data, const NetworkGraphOptions& options = {});

/// Pairs of straight segments (i, j) over `edges` (no shared node) that cross, for nodes at (x, y).
std::size_t count_crossings(const std::vector<GraphEdge>& edges, const std::vector<double>& x,
                            const std::vector<double>& y);

}  // namespace evident::report
