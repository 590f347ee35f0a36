// Evaluation metrics of the GLUE / CoNLL literature, matching scikit-learn, SciPy and seqeval defaults so
// numbers are comparable with published ones. Empty or differently sized inputs throw peft::Error.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace peft::eval {

// --- classification (labels are class ids) ---
double accuracy(const std::vector<int64_t>& pred, const std::vector<int64_t>& gold);
// F1 of the `positive` class; 0 when it is never predicted nor gold.
double f1_binary(const std::vector<int64_t>& pred, const std::vector<int64_t>& gold, int64_t positive = 1);
// Unweighted mean of per-class F1 over the classes occurring in pred or gold (sklearn average="macro");
// ids must lie in [0, num_classes).
double f1_macro(const std::vector<int64_t>& pred, const std::vector<int64_t>& gold, int64_t num_classes);
// Multiclass Matthews correlation (Gorodkin's R_K, as sklearn); the binary MCC for two classes; 0 when undefined.
double matthews_corrcoef(const std::vector<int64_t>& pred, const std::vector<int64_t>& gold);

// --- regression ---
// Pearson's r; 0 when either side is constant (SciPy returns NaN there).
double pearson(const std::vector<double>& x, const std::vector<double>& y);
// Spearman's rho: Pearson's r of the ranks, tied values sharing their mean rank.
double spearman(const std::vector<double>& x, const std::vector<double>& y);

// --- entity spans from tag sequences ---
struct Entity {
  std::string type;
  size_t begin = 0, end = 0;  // token indices, end inclusive
  bool operator==(const Entity& o) const { return type == o.type && begin == o.begin && end == o.end; }
};
// Entities of one sentence with seqeval's default (conlleval) rules: tags are O or B-/I-/E-/S-<type>
// (IOB1, IOB2, IOBES); an I- or E- after O, after an entity's end, or of another type starts a new entity.
// A tag of any other form is an error.
std::vector<Entity> extract_entities(const std::vector<std::string>& tags);

struct EntityScores {
  double precision, recall, f1;
  size_t gold_entities, pred_entities, correct;
};
// Micro-averaged over all sentences; an entity is correct when type, begin and end all match.
// Precision / recall / F1 are 0 where their denominator is.
EntityScores entity_f1(const std::vector<std::vector<std::string>>& gold,
                       const std::vector<std::vector<std::string>>& pred);

}  // namespace peft::eval
