#include "models/task.h"

#include "core/error.h"

namespace peft::models {

TaskKind parse_task_kind(const std::string& name) {
  if (name == "classification") return TaskKind::SequenceClassification;
  if (name == "regression") return TaskKind::Regression;
  if (name == "tagging") return TaskKind::TokenClassification;
  if (name == "mlm") return TaskKind::MaskedLM;
  if (name == "cloze") return TaskKind::Cloze;
  throw Error("unknown task '" + name + "' (known: classification, regression, tagging, mlm, cloze)");
}

const char* task_kind_name(TaskKind kind) {
  switch (kind) {
    case TaskKind::SequenceClassification: return "classification";
    case TaskKind::Regression: return "regression";
    case TaskKind::TokenClassification: return "tagging";
    case TaskKind::MaskedLM: return "mlm";
    case TaskKind::Cloze: return "cloze";
  }
  return "?";
}

}  // namespace peft::models
