#include "methods/pet.h"

#include "core/error.h"
#include "io/atomic_file.h"
#include "methods/method_config.h"

namespace peft::methods {

Pet::Pet(const nlohmann::json& config) {
  MethodConfig c(config, "pet");
  const auto* file = c.raw("cloze");
  const auto* pattern = c.raw("pattern");
  const auto* verbalizer = c.raw("verbalizer");
  c.finish();
  if (file) {
    require(!pattern && !verbalizer, "pet: give either 'cloze' (a file) or 'pattern' and 'verbalizer', not both");
    require(file->is_string(), "pet: option 'cloze' must be the path of a JSON file, got " + file->dump());
    const auto path = file->get<std::string>();
    nlohmann::json j;
    try {
      j = nlohmann::json::parse(io::read_file(path));
    } catch (const nlohmann::json::parse_error& e) {
      throw Error(path + ": invalid JSON: " + e.what());
    }
    spec_ = ClozeSpec::from_json(j, path);
  } else {
    require(pattern && verbalizer, "pet: needs 'cloze' (a JSON file with pattern and verbalizer), or both inline");
    spec_ = ClozeSpec::from_json({{"pattern", *pattern}, {"verbalizer", *verbalizer}}, "pet");
  }
}

void Pet::attach(models::TaskModelImpl& model, const std::string& adapter) {
  require(model.kind() == models::TaskKind::Cloze,
          "pet (adapter '" + adapter + "'): the model must be built for the cloze task, with the verbalizer's labels");
  require(model.num_labels() == static_cast<int64_t>(spec_.labels.size()),
          "pet (adapter '" + adapter + "'): the model's cloze head has " + std::to_string(model.num_labels()) +
              " labels, the verbalizer " + std::to_string(spec_.labels.size()));
}

}  // namespace peft::methods
