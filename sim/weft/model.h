// The model registry: programs known by name to the CLI and the tests. Each
// model declares a one-line description, its parameters with defaults, and
// the verdict a check must reach (what a test asserts).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "weft/execution.h"
#include "weft/op.h"

namespace weft {

struct ParamSpec {
  std::string name;
  std::int64_t default_value = 0;
  std::string help;
  std::int64_t min = 0;
  std::int64_t max = 1000000;
};

// The verdict a model expects: no finding, or a finding of this kind first.
struct Expect {
  std::optional<FindingKind> kind;
  static Expect ok() { return {}; }
  static Expect finds(FindingKind k) { return {k}; }
  std::string name() const { return kind ? std::string(finding_name(*kind)) : "ok"; }
};

struct Model {
  std::string name;
  std::string description;
  Expect expect;
  std::vector<ParamSpec> params;
  std::function<void()> body;
  std::string group = "teaching";  // listing section: teaching, dpor, predict, fault, ...
  std::string file;
};

class Registry {
 public:
  static Registry& instance();
  void add(Model m);
  const Model* find(std::string_view name) const;
  const std::vector<Model>& all() const { return models_; }

 private:
  std::vector<Model> models_;
};

// Resolves --set values against a model's parameter list (defaults filled
// in). Throws std::invalid_argument with a clear message on unknown names
// or out-of-range values.
Params resolve_params(const Model& m, const std::vector<std::pair<std::string, std::string>>& sets);

// Splits command-line `--set` arguments ("name=value") into pairs for
// resolve_params. Throws std::invalid_argument when one has no '=' or an
// empty name.
std::vector<std::pair<std::string, std::string>> parse_set_args(const std::vector<std::string>& args);

struct ModelRegistration {
  ModelRegistration(Model m) { Registry::instance().add(std::move(m)); }
};

}  // namespace weft

#define WEFT_CONCAT_(a, b) a##b
#define WEFT_CONCAT(a, b) WEFT_CONCAT_(a, b)

// WEFT_MODEL(name, "description", weft::Expect::..., {"param", default, "help"}...) { body }
#define WEFT_MODEL(name, description, expected, ...)                                           \
  static void WEFT_CONCAT(weft_model_body_, name)();                                           \
  static ::weft::ModelRegistration WEFT_CONCAT(weft_model_reg_, name)(                         \
      ::weft::Model{#name, description, expected, std::vector<::weft::ParamSpec>{__VA_ARGS__}, \
                    &WEFT_CONCAT(weft_model_body_, name), WEFT_MODEL_GROUP, __FILE__});        \
  static void WEFT_CONCAT(weft_model_body_, name)()

#ifndef WEFT_MODEL_GROUP
#define WEFT_MODEL_GROUP "teaching"
#endif
