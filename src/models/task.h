// What a model is trained to do: the task kinds peft.cpp has heads for, and their names at the edges
// (CLI, JSON). Cloze is classification read from the masked-LM head at a [MASK] (PET's verbalizer).
#pragma once
#include <string>

namespace peft::models {

enum class TaskKind { SequenceClassification, Regression, TokenClassification, MaskedLM, Cloze };

TaskKind parse_task_kind(const std::string& name);  // "classification", "regression", "tagging", "mlm", "cloze"
const char* task_kind_name(TaskKind kind);

}  // namespace peft::models
