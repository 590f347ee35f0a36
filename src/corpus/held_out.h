// The train/dev/test rule that the tasks and the pretraining corpus share, so that no text a task
// holds out for dev or test can reach the model through pretraining.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "corpus/split.h"
#include "corpus/wordnet.h"

namespace peft::corpus {

// One split for all WordNet tasks, by synset: an example (one synset, or a pair of synsets) goes to a
// split only when all its synsets are in it, and the corpus keeps only the train synsets' texts.
// The key is the synset's definition, so synsets sharing a definition share a split and no
// definition appears in two splits of a task.
Split synset_split(const Synset& synset);

// The fortune categories of the fortune task, and its split (by the cleaned fortune text).
const std::vector<std::string>& fortune_task_categories();
Split fortune_split(std::string_view text);

}  // namespace peft::corpus
