#include "weft/cli.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

#include "weft/check.h"
#include "weft/isolate.h"
#include "weft/merge.h"
#include "weft/misuse.h"
#include "weft/model.h"
#include "weft/parallel.h"
#include "weft/predict.h"
#include "weft/progress.h"
#include "weft/report_json.h"
#include "weft/report_junit.h"
#include "weft/report_perfetto.h"
#include "weft/report_sarif.h"
#include "weft/report_text.h"
#include "weft/shard.h"
#include "weft/view.h"

namespace weft::cli {

namespace {

constexpr int exit_ok = 0;
constexpr int exit_finding = 1;
constexpr int exit_usage = 2;
constexpr int exit_internal = 3;
constexpr int exit_incomplete = 4;

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

const Model& find_model(const std::string& name) {
  const Model* m = Registry::instance().find(name);
  if (m == nullptr) throw UsageError("no model named '" + name + "' (weft list shows the models)");
  return *m;
}

int cmd_list() {
  // Groups in the order they first appear (models of one group may be
  // registered from several files), each model once under its group.
  const auto& models = Registry::instance().all();
  std::vector<std::string> groups;
  std::size_t width = 0;
  std::size_t verdict_width = 0;
  for (const Model& m : models) {
    width = std::max(width, m.name.size());
    verdict_width = std::max(verdict_width, m.expect.name().size() + 3);
    if (std::find(groups.begin(), groups.end(), m.group) == groups.end()) groups.push_back(m.group);
  }
  for (const std::string& group : groups) {
    std::cout << (group == groups.front() ? "" : "\n") << group << " models:\n";
    for (const Model& m : models) {
      if (m.group != group) continue;
      std::cout << "  " << m.name << std::string(width + 2 - m.name.size(), ' ') << std::left
                << std::setw(static_cast<int>(verdict_width)) << ("[" + m.expect.name() + "]") << std::right
                << m.description;
      if (!m.params.empty()) {
        std::cout << " (";
        for (std::size_t i = 0; i < m.params.size(); ++i) {
          std::cout << (i ? ", " : "") << m.params[i].name << "=" << m.params[i].default_value;
        }
        std::cout << ")";
      }
      std::cout << "\n";
    }
  }
  return exit_ok;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw UsageError("cannot write " + path);
  out << text;
  if (!out.flush()) throw UsageError("cannot write " + path);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError("cannot read " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct CheckArgs {
  std::string model;
  std::vector<std::string> sets;
  check::CheckOptions opts;
  std::string json;
  bool no_json = false;
  bool verbose = false;
  bool quiet = false;
  bool require_complete = false;
  bool max_exec_given = false;
  bool strategy_given = false;
  bool predict = false;
  predict::PredictOptions popts;
  std::string sarif;
  std::string perfetto;
  std::string junit;
  bool no_minimize = false;
  std::string shard;
  std::uint32_t jobs = 0;
  bool no_isolation = false;  // run the program in weft's own process (no crash or hang isolation)
  check::IsolationOptions iso;
};

void print_predictions(const check::Report& r) {
  std::cout << "predictions: " << r.stats.predictions << " satisfiable, " << r.stats.unconfirmed_predictions
            << " not confirmed by a run (never reported)\n";
}

// The model's parameters with the --set arguments applied; a bad one is a usage error.
Params model_params(const Model& m, const std::vector<std::string>& sets) {
  try {
    return resolve_params(m, parse_set_args(sets));
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
}

int cmd_check(const CheckArgs& a) {
  const Model& m = find_model(a.model);
  const Params params = model_params(m, a.sets);
  check::CheckOptions opts = a.opts;
  // Bounding and sharding work on the depth-first tree: they choose dfs
  // unless a strategy was asked for.
  if (!a.strategy_given && (opts.max_preemptions || !a.shard.empty())) opts.strategy = "dfs";
  if (opts.strategy != "dpor" && opts.strategy != "dfs" && opts.strategy != "random" &&
      opts.strategy != "source-dpor" && opts.strategy != "pct") {
    throw UsageError("unknown strategy '" + opts.strategy + "' (known: dpor, source-dpor, dfs, pct, random)");
  }
  if (opts.max_preemptions && opts.strategy != "dfs") {
    throw UsageError("--max-preemptions bounds a depth-first search: it needs --strategy dfs");
  }
  if (opts.pct_depth < 1) throw UsageError("--depth must be at least 1");
  if ((opts.strategy == "random" || opts.strategy == "pct") && !a.max_exec_given) opts.max_executions = 10000;
  if (a.predict && opts.strategy != "random" && opts.strategy != "pct") {
    throw UsageError(
        "--predict needs --strategy random or --strategy pct (it predicts from sampled executions)");
  }
  if (!a.predict) opts.predict_every = 0;
  if (a.predict && opts.predict_every == 0) throw UsageError("--predict-every must be at least 1");
  if (a.no_minimize) opts.minimize = false;
  if (!a.shard.empty()) {
    try {
      const check::ShardSpec s = check::parse_shard(a.shard);
      opts.shard_index = s.index;
      opts.shard_count = s.count;
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
    if (opts.strategy != "dfs")
      throw UsageError("--shard splits an exhaustive search: it needs --strategy dfs");
  }
  opts.jobs = a.jobs == 0 ? check::default_jobs() : a.jobs;
  // Progress on stderr when it is a terminal: executions, rate, findings and the tree's estimated size.
  check::TreeSizeEstimator estimator(m.body, params, opts, opts.seed);
  check::ProgressDisplay progress(std::cerr, check::progress_wanted(STDERR_FILENO, a.quiet), &estimator);
  progress.set_reduced(opts.strategy == "dpor" || opts.strategy == "source-dpor");
  opts.on_progress = [&progress](const check::Stats& s, std::size_t n) { progress.update(s, n); };
  auto search = [&](const check::CheckOptions& o) {
    return a.predict ? check::run_check(m.name, m.body, params, o,
                                        predict::make_predictor(m.body, params, o, a.popts))
                     : check::run_check(m, params, o);
  };
  if (a.iso.execution_timeout < 0) throw UsageError("--execution-timeout must not be negative");
  check::Report r = a.no_isolation ? search(opts) : check::run_isolated(m.name, params, opts, a.iso, search);
  progress.finish();
  r.options.on_progress = nullptr;
  if (!a.sarif.empty()) write_file(a.sarif, check::report_to_sarif({r}));
  if (!a.perfetto.empty()) write_file(a.perfetto, check::report_to_perfetto(r));
  if (!a.junit.empty()) write_file(a.junit, check::report_to_junit({r}));
  check::TextOptions to;
  to.verbose = a.verbose;
  if (!a.quiet) check::print_report(std::cout, r, to);
  if (!a.quiet && a.predict) print_predictions(r);
  std::string path = a.json;
  if (path.empty() && !a.no_json && !r.findings.empty()) path = "weft-" + m.name + ".json";
  if (!path.empty()) {
    write_file(path, check::report_to_json(r));
    if (!a.quiet) {
      std::cout << "report written to " << path;
      if (!r.findings.empty()) std::cout << "; replay the counterexample with: weft replay " << path;
      std::cout << "\n";
    }
  }
  if (!r.findings.empty()) return exit_finding;
  if (a.require_complete && !r.complete) return exit_incomplete;
  return exit_ok;
}

int cmd_predict(const CheckArgs& a) {
  const Model& m = find_model(a.model);
  const Params params = model_params(m, a.sets);
  if (a.popts.window < 2) throw UsageError("--window must be at least 2");
  predict::PredictStats stats;
  check::Report r = predict::run_predict(m.name, m.body, params, a.opts, a.popts, &stats);
  check::TextOptions to;
  to.verbose = a.verbose;
  if (!a.quiet) {
    check::print_report(std::cout, r, to);
    print_predictions(r);
    std::cout << "solver: " << stats.queries << " queries (" << stats.candidates
              << " candidates before filtering) in " << stats.windows << " windows of up to "
              << a.popts.window << " events, " << std::fixed << std::setprecision(3) << stats.solver_seconds
              << " s\n";
  }
  std::string path = a.json;
  if (path.empty() && !a.no_json && !r.findings.empty()) path = "weft-" + m.name + ".json";
  if (!path.empty()) {
    write_file(path, check::report_to_json(r));
    if (!a.quiet) {
      std::cout << "report written to " << path;
      if (!r.findings.empty()) std::cout << "; replay the counterexample with: weft replay " << path;
      std::cout << "\n";
    }
  }
  return r.findings.empty() ? exit_ok : exit_finding;
}

int cmd_merge(const std::vector<std::string>& files, const std::string& out_path, bool quiet,
              bool require_complete) {
  std::vector<check::Report> shards;
  for (const std::string& file : files) {
    try {
      shards.push_back(check::report_from_json(read_file(file)));
    } catch (const std::invalid_argument& e) {
      throw UsageError(file + ": " + e.what());
    }
  }
  check::Report r;
  try {
    r = check::merge_reports(shards);
  } catch (const std::invalid_argument& e) {
    throw UsageError(std::string("cannot merge: ") + e.what());
  }
  if (!quiet) check::print_report(std::cout, r, check::TextOptions{});
  if (!out_path.empty()) {
    write_file(out_path, check::report_to_json(r));
    if (!quiet) std::cout << "merged report written to " << out_path << "\n";
  }
  if (!r.findings.empty()) return exit_finding;
  if (require_complete && !r.complete) return exit_incomplete;
  return exit_ok;
}

int cmd_replay(const std::string& file, const std::string& which, bool verbose, bool no_isolation,
               const check::IsolationOptions& iso) {
  check::Report rep;
  try {
    rep = check::report_from_json(read_file(file));
  } catch (const std::invalid_argument& e) {
    throw UsageError(file + ": " + e.what());
  }
  const Model* m = Registry::instance().find(rep.model);
  if (m == nullptr) {
    throw UsageError(file + " is a report for model '" + rep.model + "', which this weft does not have");
  }
  if (rep.findings.empty()) throw UsageError(file + " holds no finding to replay");
  // By default, the finding that ended the search (the verdict), else the first.
  std::size_t index = 0;
  for (std::size_t i = 0; i < rep.findings.size(); ++i) {
    if (rep.findings[i].kind != FindingKind::data_race) {
      index = i;
      break;
    }
  }
  if (!which.empty()) {
    if (which.find_first_not_of("0123456789") == std::string::npos && which.size() < 9) {
      index = std::stoul(which);
      if (index < 1 || index > rep.findings.size()) {
        throw UsageError("--finding " + which + ": the file has " + std::to_string(rep.findings.size()) +
                         " findings");
      }
      --index;
    } else {
      auto k = finding_from_name(which);
      if (!k) throw UsageError("--finding " + which + ": not a finding number or kind");
      auto it = std::find_if(rep.findings.begin(), rep.findings.end(),
                             [&](const check::Finding& f) { return f.kind == *k; });
      if (it == rep.findings.end()) throw UsageError("the file has no " + which + " finding");
      index = static_cast<std::size_t>(it - rep.findings.begin());
    }
  }
  const check::Finding& want = rep.findings[index];
  std::vector<std::pair<std::string, std::string>> sets;
  for (const auto& [k, v] : rep.params) sets.emplace_back(k, std::to_string(v));
  Params params;
  try {
    params = resolve_params(*m, sets);
  } catch (const std::invalid_argument& e) {
    throw UsageError(file + " does not fit model " + m->name + " here: " + e.what());
  }
  check::CheckOptions opts = rep.options;
  // Everything from here runs in a worker unless --no-isolation: a crash or a
  // hang is reproduced there, and weft reports it.
  auto finish = [&]() -> int {
    check::ReplayOutcome out = check::replay_schedule(m->body, params, opts, want.trace.schedule);
    // Check every step against the recorded one.
    const auto& got = out.trace.events;
    const auto& exp = want.trace.events;
    auto describe = [](const check::TraceEvent& e) {
      return "goroutine " + std::to_string(e.g) + " " + check::format_event(e) + " at " + e.where.file + ":" +
             std::to_string(e.where.line);
    };
    for (std::size_t i = 0; i < std::max(got.size(), exp.size()); ++i) {
      if (i >= got.size()) {
        throw UsageError("replay diverged at step " + std::to_string(exp[i].step) + ": expected " +
                         describe(exp[i]) + ", but the execution had ended");
      }
      if (i >= exp.size()) {
        throw UsageError("replay diverged at step " + std::to_string(got[i].step) +
                         ": the recorded trace ended, got " + describe(got[i]));
      }
      const auto& e = exp[i];
      const auto& g = got[i];
      if (e.step != g.step || e.g != g.g || e.op != g.op || e.object != g.object) {
        throw UsageError("replay diverged at step " + std::to_string(e.step) + ": expected " + describe(e) +
                         ", got " + describe(g));
      }
    }
    if (!out.divergence.empty()) throw UsageError("replay " + out.divergence);
    std::cout << "replaying finding " << (index + 1) << " of " << file << " (" << finding_name(want.kind)
              << ", model " << rep.model;
    for (const auto& [k, v] : params) std::cout << " " << k << "=" << v;
    std::cout << ")\n\n";
    check::TextOptions to;
    to.verbose = true;
    const check::Finding* same = nullptr;
    for (const check::Finding& f : out.findings) {
      if (f.kind == want.kind && (f.key_steps == want.key_steps || want.key_steps.empty())) {
        same = &f;
        break;
      }
    }
    check::print_trace(std::cout, out.trace, same, to);
    if (same == nullptr) {
      throw UsageError("replay followed the schedule but did not reproduce the " +
                       std::string(finding_name(want.kind)) + " finding");
    }
    std::cout << "\nreproduced:\n";
    check::TextOptions brief;
    brief.verbose = verbose;
    check::Finding shown = *same;
    shown.trace.events.clear();  // the steps were printed above
    std::cout << "  " << std::string(finding_name(shown.kind)) << ": " << shown.message << "\n";
    for (const auto& s : shown.locations)
      std::cout << "    " << (s.role.empty() ? "at" : s.role) << " " << s.file << ":" << s.line << "\n";
    return exit_finding;
  };
  if (no_isolation) return finish();
  const check::WorkerEnd end = check::run_in_worker(iso, [&]() -> int {
    try {
      return finish();
    } catch (const UsageError& e) {
      std::cerr << "weft: " << e.what() << "\n";
      return exit_usage;
    } catch (const MisuseError& e) {
      std::cerr << e.what() << "\n";
      return exit_usage;
    } catch (const std::exception& e) {
      std::cerr << "weft: internal error: " << e.what() << "\n";
      return exit_internal;
    }
  });
  if (end.how == check::WorkerEnd::How::exited) return end.status;
  if (end.how == check::WorkerEnd::How::out_of_memory) {
    std::cerr << "weft: limit: memory (" << iso.max_memory_mb
              << " MiB) reached during the replay; the program likely allocates without bound (raise with "
                 "--max-memory)\n";
    return exit_incomplete;
  }
  const check::Finding got = check::death_finding(end, iso);
  std::cout << "replaying finding " << (index + 1) << " of " << file << " (" << finding_name(want.kind)
            << ", model " << rep.model << ")\n\n";
  const bool same = got.kind == want.kind && got.object == want.object && got.goroutines == want.goroutines &&
                    got.trace.schedule == want.trace.schedule;
  if (!same) {
    throw UsageError(
        "replay diverged: the execution ended in a " + std::string(finding_name(got.kind)) + " (" +
        got.message + ") after " + std::to_string(got.trace.schedule.size()) +
        " decisions, but the file's finding is a " + std::string(finding_name(want.kind)) +
        (want.kind == FindingKind::crash || want.kind == FindingKind::hang ? ": " + want.message : ""));
  }
  std::cout << "reproduced:\n  " << finding_name(got.kind) << ": " << got.message << "\n";
  for (const auto& s : got.locations) std::cout << "    " << s.role << " " << s.file << ":" << s.line << "\n";
  return exit_finding;
}

int cmd_view(const std::string& file, const std::string& out_path, const std::string& which) {
  check::Report rep;
  try {
    rep = check::report_from_json(read_file(file));
  } catch (const std::invalid_argument& e) {
    throw UsageError(file + ": " + e.what());
  }
  std::size_t index = 0;
  try {
    index = check::select_finding(rep, which);
  } catch (const std::invalid_argument& e) {
    throw UsageError(file + ": " + e.what());
  }
  write_file(out_path, check::render_view(rep, index));
  std::cout << "trace of finding " << (index + 1) << " (" << finding_name(rep.findings[index].kind)
            << ") written to " << out_path << "\n";
  return exit_ok;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"weft: a deterministic concurrency simulator and race/deadlock checker for Go-style programs"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("weft ") + check::tool_version);

  auto* list = app.add_subcommand("list", "list the models with their expected verdicts");

  CheckArgs ca;
  auto* chk = app.add_subcommand("check", "explore a model's interleavings and report findings");
  chk->add_option("model", ca.model, "model name (see weft list)")->required();
  chk->add_option("--set", ca.sets, "set a model parameter: --set n=3 (repeatable)");
  chk->add_option("--strategy", ca.opts.strategy,
                  "dpor (one execution per equivalence class, wakeup trees), source-dpor (source sets "
                  "and sleep sets), dfs (every interleaving), pct or random")
      ->capture_default_str();
  chk->add_option("--max-preemptions", ca.opts.max_preemptions,
                  "with dfs: explore only the schedules with at most K preemptions");
  chk->add_option("--depth", ca.opts.pct_depth, "with pct: the bug depth d (d - 1 priority change points)")
      ->capture_default_str();
  chk->add_option("--seed", ca.opts.seed, "seed for the random strategy")->capture_default_str();
  auto* me = chk->add_option("--max-executions", ca.opts.max_executions,
                             "stop after this many executions (0: no cap; random defaults to 10000)");
  chk->add_option("--time-budget", ca.opts.time_budget, "stop after this many seconds (0: no cap)");
  chk->add_option("--max-steps", ca.opts.max_steps, "steps per execution before a step_limit finding")
      ->capture_default_str();
  chk->add_option("--max-goroutines", ca.opts.max_goroutines, "goroutines per execution")
      ->capture_default_str();
  chk->add_option("--json", ca.json, "write the JSON report here (default with findings: weft-MODEL.json)");
  chk->add_flag("--no-json", ca.no_json, "do not write a JSON report");
  chk->add_flag("--all", ca.opts.all,
                "keep exploring after a failing execution; collect every distinct finding");
  chk->add_flag("--verbose,-v", ca.verbose, "print every step of each counterexample");
  chk->add_flag("--quiet,-q", ca.quiet, "print nothing; use the exit code and the JSON");
  chk->add_option("--sarif", ca.sarif, "also write the findings as SARIF 2.1.0 (GitHub code scanning) here");
  chk->add_option("--perfetto", ca.perfetto,
                  "also write the counterexamples as a Chrome/Perfetto trace here");
  chk->add_option("--junit", ca.junit, "also write a JUnit XML test report here");
  chk->add_flag("--no-minimize", ca.no_minimize,
                "report the first counterexample found, without searching for the smallest one");
  chk->add_flag("--require-complete", ca.require_complete,
                "exit 4 when the search was incomplete and found nothing");
  chk->add_flag(
      "--no-isolation", ca.no_isolation,
      "run the program in weft's own process: faster to start, but a crash or hang of the program ends weft");
  chk->add_option(
         "--execution-timeout", ca.iso.execution_timeout,
         "seconds an execution may run without reaching a scheduling point before it is a hang (0: no limit)")
      ->capture_default_str();
  chk->add_option("--max-memory", ca.iso.max_memory_mb,
                  "MiB of memory the program may use before the search ends at the limit (0: no limit)")
      ->capture_default_str();
  chk->add_option("--shard", ca.shard,
                  "explore only part I of N of the DFS tree (0 <= I < N); weft merge combines the N reports");
  chk->add_option("--jobs,-j", ca.jobs,
                  "threads exploring a dfs, dpor or source-dpor search (default: the number of cores)");
  chk->add_flag("--predict", ca.predict,
                "with --strategy random or pct: also predict from executions and report what a run confirms");
  ca.opts.predict_every = 1;
  chk->add_option("--predict-every", ca.opts.predict_every, "predict from every Nth execution")
      ->capture_default_str();
  chk->add_option("--window", ca.popts.window, "prediction: events per solver window")->capture_default_str();
  chk->add_option("--solver-timeout", ca.popts.solver_timeout_ms, "prediction: milliseconds per solver query")
      ->capture_default_str();

  CheckArgs pa;
  pa.opts.strategy = "random";
  auto* prd = app.add_subcommand(
      "predict",
      "record one random execution, predict the bugs other interleavings of it show, confirm them");
  prd->add_option("model", pa.model, "model name (see weft list)")->required();
  prd->add_option("--set", pa.sets, "set a model parameter: --set n=3 (repeatable)");
  prd->add_option("--seed", pa.opts.seed, "seed of the recorded random execution")->capture_default_str();
  prd->add_option("--window", pa.popts.window, "events per solver window (windows overlap by half)")
      ->capture_default_str();
  prd->add_option("--solver-timeout", pa.popts.solver_timeout_ms, "milliseconds per solver query")
      ->capture_default_str();
  prd->add_option("--max-steps", pa.opts.max_steps, "steps per execution")->capture_default_str();
  prd->add_option("--json", pa.json, "write the JSON report here (default with findings: weft-MODEL.json)");
  prd->add_flag("--no-json", pa.no_json, "do not write a JSON report");
  prd->add_flag("--verbose,-v", pa.verbose, "print every step of each counterexample");
  prd->add_flag("--quiet,-q", pa.quiet, "print nothing; use the exit code and the JSON");
  bool predict_no_minimize = false;
  prd->add_flag("--no-minimize", predict_no_minimize,
                "report counterexamples as found, without making them small");

  std::vector<std::string> merge_files;
  std::string merge_out;
  bool merge_quiet = false;
  bool merge_require_complete = false;
  auto* mrg =
      app.add_subcommand("merge", "combine the JSON reports of the shards of one check (--shard I/N)");
  mrg->add_option("reports", merge_files, "the shards' JSON reports")->required();
  mrg->add_option("-o,--output", merge_out, "write the merged JSON report here");
  mrg->add_flag("--quiet,-q", merge_quiet, "print nothing; use the exit code and the JSON");
  mrg->add_flag("--require-complete", merge_require_complete,
                "exit 4 when a shard is missing or incomplete and nothing was found");

  std::string replay_file;
  std::string replay_which;
  bool replay_verbose = false;
  auto* rep = app.add_subcommand("replay", "re-run a counterexample step by step");
  rep->add_option("file", replay_file, "a JSON report written by weft check")->required();
  rep->add_option("--finding", replay_which, "which finding: its number (1-based) or its kind");
  rep->add_flag("--verbose,-v", replay_verbose, "print more detail");
  bool replay_no_isolation = false;
  check::IsolationOptions replay_iso;
  rep->add_flag("--no-isolation", replay_no_isolation,
                "replay in weft's own process (no crash or hang isolation)");
  rep->add_option("--execution-timeout", replay_iso.execution_timeout,
                  "seconds without a scheduling point before the replay is a hang (0: no limit)")
      ->capture_default_str();
  rep->add_option("--max-memory", replay_iso.max_memory_mb, "MiB the program may use (0: no limit)")
      ->capture_default_str();

  std::string view_file;
  std::string view_out;
  std::string view_which;
  auto* viw =
      app.add_subcommand("view", "write a counterexample as one self-contained interactive HTML page");
  viw->add_option("file", view_file, "a JSON report written by weft check")->required();
  viw->add_option("-o,--output", view_out, "the HTML file to write")->required();
  viw->add_option("--finding", view_which, "which finding: its number (1-based) or its kind");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? exit_ok : exit_usage;
  }
  ca.max_exec_given = me->count() > 0;
  ca.strategy_given = chk->count("--strategy") > 0;
  try {
    if (list->parsed()) return cmd_list();
    if (chk->parsed()) return cmd_check(ca);
    if (prd->parsed()) {
      if (predict_no_minimize) pa.opts.minimize = false;
      return cmd_predict(pa);
    }
    if (rep->parsed())
      return cmd_replay(replay_file, replay_which, replay_verbose, replay_no_isolation, replay_iso);
    if (mrg->parsed()) return cmd_merge(merge_files, merge_out, merge_quiet, merge_require_complete);
    if (viw->parsed()) return cmd_view(view_file, view_out, view_which);
  } catch (const UsageError& e) {
    std::cerr << "weft: " << e.what() << "\n";
    return exit_usage;
  } catch (const check::ModelError& e) {
    std::cerr << "weft: " << e.what() << "\n";
    return exit_usage;
  } catch (const MisuseError& e) {
    std::cerr << e.what() << "\n";
    return exit_usage;
  } catch (const std::invalid_argument& e) {
    std::cerr << "weft: " << e.what() << "\n";
    return exit_usage;
  } catch (const std::exception& e) {
    std::cerr << "weft: internal error: " << e.what() << "\n";
    return exit_internal;
  }
  return exit_usage;
}

}  // namespace weft::cli
