// `evident report`: see report.hpp.
#include "report.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_options.hpp"
#include "cli_output.hpp"
#include "evident/core/version.hpp"
#include "evident/data/read.hpp"
#include "evident/network/request.hpp"
#include "evident/pairwise/request.hpp"
#include "evident/report/html_report.hpp"
#include "evident/report/prisma.hpp"
#include "evident/report/xlsx.hpp"

namespace evident_cli {

struct ReportArgs {
  std::string file;
  evident::ReadSettings read;
  evident::EffectSettings effects;
  evident::MetaSettings meta;
  evident::PairwiseSettings pairwise;
  evident::NetworkSettings network;
  std::string nma_method_tau;  ///< empty: --method-tau when given, else DL
  std::string prisma;
  std::string figures;
  std::string xlsx;
  std::string output;
  std::string title;
};

namespace {

std::string slurp(const std::string& path, bool& ok) {
  std::ifstream in(path, std::ios::binary);
  ok = static_cast<bool>(in);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  return static_cast<bool>(out);
}

}  // namespace

ReportCommand::ReportCommand(CLI::App& app) : args_(std::make_shared<ReportArgs>()) {
  ReportArgs& a = *args_;
  command_ = app.add_subcommand(
      "report",
      "One self-contained HTML report of the whole analysis: data, diagnostics, network and pairwise "
      "meta-analyses, figures, certainty and a methods paragraph");
  CLI::App& c = *command_;
  add_read_options(c, a.file, a.read);  // --mid also adds CINeMA judgements to the report
  c.add_option("-o,--output", a.output, "Write the HTML report to this file (default: standard output)");
  c.add_option("--measure", a.effects.measure, "MD, SMD, ROM, OR, RR, RD, IRR, IRD, HR, GEN");
  c.add_option("--outcome", a.effects.outcome, "Only this outcome (default: all)");
  c.add_option("--cc", a.effects.cc, "Continuity correction added to zero cells (default 0.5)")
      ->check(CLI::Range(0.0, 1e6));
  c.add_option("--smd-correction", a.effects.smd, "exact (default), exact-ls, approx, none")
      ->check(CLI::IsMember({"exact", "exact-ls", "approx", "none"}));
  c.add_option("--method-tau", a.meta.method_tau,
               "tau2 estimator of the pairwise analyses: DL, REML (default), ML, PM, SJ, HE, HS, EB; also of the "
               "NMA when it is DL or REML and --nma-method-tau is not given");
  c.add_option("--nma-method-tau", a.nma_method_tau, "tau2 estimator of the NMA: DL (default) or REML");
  c.add_flag("--hk", a.meta.hk, "Hartung-Knapp CI for the pairwise random-effects estimates");
  c.add_option("--prediction", a.meta.prediction, "Prediction interval: metafor (default), meta, higgins")
      ->check(CLI::IsMember({"metafor", "meta", "higgins"}));
  c.add_option("--level", a.meta.level, "Confidence level (default 0.95)")->check(CLI::Range(0.5, 0.9999));
  c.add_option("--reference", a.network.reference, "Reference treatment of the NMA (default: the first)");
  c.add_option("--nsim", a.network.nsim, "Rankogram simulations (default 1000; 0 = none)");
  c.add_option("--seed", a.network.seed, "Seed of the rankogram simulations (default 1)");
  c.add_option("--netsplit", a.network.netsplit, "back-calculation (default) or sidde")
      ->check(CLI::IsMember({"back-calculation", "sidde"}));
  c.add_option("--prisma", a.prisma, "PRISMA 2020 counts (JSON; see evident/report/prisma.hpp) for the flow diagram");
  c.add_option("--figures", a.figures, "Also write every figure as DIR/NAME.svg");
  c.add_option("--xlsx", a.xlsx, "Also write every table to this Excel workbook");
  c.add_option("--title", a.title, "Title of the report (default: 'evident report: FILE')");
}

bool ReportCommand::parsed() const {
  return command_->parsed();
}

int ReportCommand::run() const {
  const ReportArgs& a = *args_;
  evident::Diagnostics option_errors;
  const evident::ReadOptions ropts = evident::make_read_options(a.read, option_errors);
  evident::report::ReportSettings settings;
  settings.effects = a.effects;
  settings.pairwise = evident::make_pairwise_options(a.meta, a.pairwise, option_errors);
  evident::NetworkSettings ns = a.network;
  ns.level = a.meta.level;
  if (!a.nma_method_tau.empty())
    ns.method_tau = a.nma_method_tau;
  else if (command_->count("--method-tau") > 0 && (a.meta.method_tau == "DL" || a.meta.method_tau == "REML"))
    ns.method_tau = a.meta.method_tau;
  settings.network = evident::make_network_options(ns, option_errors);
  if (!options_ok(option_errors)) return kExitUsage;

  std::optional<evident::report::PrismaCounts> prisma;
  if (!a.prisma.empty()) {
    bool ok = false;
    const std::string text = slurp(a.prisma, ok);
    if (!ok) {
      std::cerr << "evident: error: cannot read '" << a.prisma << "'\n";
      return kExitUsage;
    }
    evident::Diagnostics pd;
    nlohmann::json j;
    try {  // allow_exceptions = false still throws out_of_range 406 for a number too large for a double
      j = nlohmann::json::parse(text, nullptr, false);
    } catch (const nlohmann::json::exception&) {
      j = nlohmann::json(nlohmann::json::value_t::discarded);
    }
    if (j.is_discarded()) {
      std::cerr << a.prisma << ": error: not valid JSON\n";
      return kExitDataError;
    }
    evident::report::PrismaCounts counts = evident::report::prisma_from_json(j, pd);
    for (auto& d : pd.items())
      if (d.location.file.empty()) d.location.file = a.prisma;
    print_diagnostics(std::cerr, pd);
    if (pd.has_errors()) return kExitDataError;
    prisma = std::move(counts);
  }

  const evident::ReadResult read = evident::read_file(a.file, ropts);
  print_diagnostics(std::cerr, read.diagnostics);
  if (!read.ok()) {
    print_error_summary(std::cerr, read.diagnostics);
    return kExitDataError;
  }
  evident::report::ReportInput input = evident::report::analyse_for_report(read.dataset, settings);
  print_diagnostics(std::cerr, input.diagnostics);
  if (input.diagnostics.has_errors() && error_exit_code(input.diagnostics) == kExitUsage) return kExitUsage;
  bool analysed = false;
  for (const auto& o : input.outcomes) analysed = analysed || !o.pairwise.empty() || !o.network.empty();
  if (!analysed) {
    print_error_summary(std::cerr, input.diagnostics);
    std::cerr << "evident: error: nothing to analyse in " << a.file << "\n";
    return kExitDataError;
  }
  evident::Diagnostics all = read.diagnostics;
  all.append(input.diagnostics);
  input.diagnostics = std::move(all);
  input.prisma = std::move(prisma);
  input.title = a.title;

  // Run settings: every option given, in declaration order, and the command that reproduces the report.
  std::string cmd = "evident report " + a.file;
  for (const CLI::Option* opt : command_->get_options()) {
    if (opt->count() == 0 || opt->get_positional()) continue;
    const std::string name = opt->get_name();
    if (name == "--help") continue;
    std::string values;
    for (const auto& r : opt->results()) values += (values.empty() ? "" : " ") + r;
    if (opt->get_type_size() == 0) values = "yes";
    input.settings.emplace_back(name, values);
    for (const auto& r : opt->results()) cmd += " " + name + (opt->get_type_size() == 0 ? "" : " " + r);
  }
  input.command_line = cmd;

  const evident::report::HtmlReport report = evident::report::html_report(input);
  print_diagnostics(std::cerr, report.diagnostics);
  if (a.output.empty()) {
    std::cout << report.html;
  } else if (!write_file(a.output, report.html)) {
    std::cerr << "evident: error: cannot write '" << a.output << "'\n";
    return kExitUsage;
  }
  if (!a.figures.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(a.figures, ec);
    for (const auto& f : report.figures) {
      const std::string path = (std::filesystem::path(a.figures) / (f.name + ".svg")).string();
      if (!write_file(path, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + f.svg)) {
        std::cerr << "evident: error: cannot write '" << path << "'\n";
        return kExitUsage;
      }
    }
  }
  if (!a.xlsx.empty()) {
    const evident::Diagnostics xd = evident::report::write_xlsx(report.tables, a.xlsx);
    print_diagnostics(std::cerr, xd);
    if (xd.has_errors()) return kExitUsage;
  }
  return kExitOk;
}

}  // namespace evident_cli
