// safetensors reading (with full validation of an untrusted header) and HF-identical writing.
// Layout checks follow HF's reader: ranges sorted by offset must tile the data section exactly.
#include "io/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

#include "core/error.h"
#include "io/atomic_file.h"

namespace peft::io {
namespace {

using Json = nlohmann::ordered_json;  // keeps header order, which HF uses for equal offsets and for writing

constexpr uint64_t kMaxHeaderBytes = 100'000'000;  // HF's limit; also caps what a lying header can allocate
constexpr const char* kMetadataKey = "__metadata__";

struct DTypeInfo {
  DType dtype;
  const char* name;
  size_t size;
  int hf_rank;  // position in HF's Dtype enum, which its writer sorts by (descending) before names
};

constexpr std::array<DTypeInfo, 10> kDTypes = {{
    {DType::F64, "F64", 8, 8},
    {DType::F32, "F32", 4, 7},
    {DType::F16, "F16", 2, 4},
    {DType::BF16, "BF16", 2, 5},
    {DType::I64, "I64", 8, 9},
    {DType::I32, "I32", 4, 6},
    {DType::I16, "I16", 2, 3},
    {DType::I8, "I8", 1, 2},
    {DType::U8, "U8", 1, 1},
    {DType::BOOL, "BOOL", 1, 0},
}};

constexpr bool table_follows_enum() {
  for (size_t i = 0; i < kDTypes.size(); ++i)
    if (static_cast<size_t>(kDTypes[i].dtype) != i) return false;
  return true;
}
static_assert(table_follows_enum(), "kDTypes is indexed by DType");

const DTypeInfo& info(DType dtype) { return kDTypes[static_cast<size_t>(dtype)]; }

// Names come from untrusted files: escape control bytes so an error stays on one line.
std::string quote(const std::string& s) {
  std::string out = "'";
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "'";
}

std::string tensor_context(const std::string& path, const std::string& name) {
  return path + ": tensor " + quote(name);
}

std::string offsets(uint64_t begin, uint64_t end) {
  return "[" + std::to_string(begin) + "," + std::to_string(end) + "]";
}

std::string uncovered(const std::string& path, uint64_t begin, uint64_t end) {
  return path + ": bytes [" + std::to_string(begin) + "," + std::to_string(end) +
         ") of the data section belong to no tensor";
}

// Byte size of a tensor; false on overflow (a lying header can claim any shape).
bool checked_nbytes(const std::vector<int64_t>& shape, DType dtype, uint64_t& nbytes) {
  nbytes = 0;
  if (std::find(shape.begin(), shape.end(), 0) != shape.end()) return true;  // empty whatever the rest says
  nbytes = dtype_size(dtype);
  for (int64_t d : shape)
    if (__builtin_mul_overflow(nbytes, static_cast<uint64_t>(d), &nbytes)) return false;
  return true;
}

std::string size_mismatch(const std::vector<int64_t>& shape, DType dtype, uint64_t needed, const char* what,
                          uint64_t given) {
  return "shape " + format_shape(shape) + " x " + dtype_name(dtype) + " needs " + std::to_string(needed) +
         " bytes, " + what + " " + std::to_string(given);
}

uint64_t read_le64(std::string_view bytes) {
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(bytes[i]);
  return n;
}

// Parses the header, rejecting duplicate top-level keys (plain JSON parsing would keep only the last).
Json parse_header(const std::string& path, std::string_view text) {
  std::set<std::string> keys;
  std::string duplicate;
  auto on_event = [&](int depth, Json::parse_event_t event, Json& parsed) {
    if (event == Json::parse_event_t::key && depth == 1 && !keys.insert(parsed.get<std::string>()).second &&
        duplicate.empty())
      duplicate = parsed.get<std::string>();
    return true;
  };
  Json header;
  try {
    header = Json::parse(text.begin(), text.end(), on_event);
  } catch (const Json::parse_error& e) {
    throw Error(path + ": header is not valid JSON (error at byte " + std::to_string(e.byte) + " of the header)");
  }
  require(header.is_object(), path + ": header is not a JSON object");
  require(duplicate.empty(), path + ": header lists " + quote(duplicate) + " twice");
  return header;
}

std::map<std::string, std::string> parse_metadata(const std::string& path, const Json& value) {
  require(value.is_object(), path + ": " + kMetadataKey + " is not a JSON object");
  std::map<std::string, std::string> out;
  for (const auto& [key, v] : value.items()) {
    require(v.is_string(), path + ": " + kMetadataKey + " entry " + quote(key) + " is not a string");
    out[key] = v.get<std::string>();
  }
  return out;
}

// Reads a JSON array of non-negative integers (shape or data_offsets).
std::vector<uint64_t> parse_uints(const std::string& context, const Json& json, const char* field) {
  auto it = json.find(field);
  require(it != json.end(), context + ": missing '" + field + "'");
  const std::string type_error = context + ": '" + field + "' must be an array of non-negative integers";
  require(it->is_array(), type_error);
  std::vector<uint64_t> out;
  for (const Json& v : *it) {
    require(v.is_number_integer(), type_error);
    require(v.is_number_unsigned(), context + ": '" + field + "' holds the negative value " + v.dump());
    out.push_back(v.get<uint64_t>());
  }
  return out;
}

struct Entry {
  TensorRecord record;  // bytes still unset
  uint64_t begin, end;  // data_offsets
};

Entry parse_entry(const std::string& path, const std::string& name, const Json& json, uint64_t data_size) {
  const std::string context = tensor_context(path, name);
  require(json.is_object(), context + ": entry is not a JSON object");

  auto dtype_it = json.find("dtype");
  require(dtype_it != json.end(), context + ": missing 'dtype'");
  require(dtype_it->is_string(), context + ": 'dtype' must be a string");
  Entry entry{{name, parse_dtype(dtype_it->get<std::string>(), context), {}, {}}, 0, 0};
  TensorRecord& record = entry.record;

  for (uint64_t d : parse_uints(context, json, "shape")) {
    require(d <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()),
            context + ": dimension " + std::to_string(d) + " is too large");
    record.shape.push_back(static_cast<int64_t>(d));
  }

  const std::vector<uint64_t> range = parse_uints(context, json, "data_offsets");
  require(range.size() == 2, context + ": 'data_offsets' must hold exactly two integers [begin,end]");
  entry.begin = range[0];
  entry.end = range[1];
  const std::string given = "data_offsets " + offsets(entry.begin, entry.end);
  require(entry.begin <= entry.end, context + ": " + given + " begin after they end");

  uint64_t nbytes = 0;
  require(checked_nbytes(record.shape, record.dtype, nbytes),
          context + ": shape " + format_shape(record.shape) + " x " + dtype_name(record.dtype) +
              " overflows 64 bits");
  require(nbytes == entry.end - entry.begin,
          context + ": " + size_mismatch(record.shape, record.dtype, nbytes, "data_offsets give",
                                         entry.end - entry.begin));
  require(entry.end <= data_size, context + ": " + given + " run past the end of the data section (" +
                                      std::to_string(data_size) + " bytes)");
  return entry;
}

// HF accepts a layout only if the ranges, in offset order, tile the data section with no gap or overlap.
// Sorts the entries into that order (stable, so equal empty ranges keep header order).
void sort_and_check_tiling(const std::string& path, std::vector<Entry>& entries, uint64_t data_size) {
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  uint64_t covered = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    if (e.begin > covered) throw Error(uncovered(path, covered, e.begin));
    if (e.begin < covered) {
      const Entry& p = entries[i - 1];
      throw Error(path + ": tensors " + quote(p.record.name) + " and " + quote(e.record.name) +
                  " overlap (data_offsets " + offsets(p.begin, p.end) + " and " + offsets(e.begin, e.end) + ")");
    }
    covered = e.end;
  }
  require(covered == data_size, uncovered(path, covered, data_size));
}

// Closes on every exit from Mapping::open, including the throws.
struct FileDescriptor {
  int fd;
  ~FileDescriptor() { ::close(fd); }
};

}  // namespace

// The whole file mapped read-only. Another process truncating or rewriting the file while it is mapped would
// change the records or fault on access (SIGBUS); out of scope, as for any reader that does not copy.
struct SafetensorsFile::Mapping {
  const char* data;
  size_t size;

  Mapping(const char* data, size_t size) : data(data), size(size) {}
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping() { ::munmap(const_cast<char*>(data), size); }

  static std::shared_ptr<const Mapping> open(const std::string& path) {
    const FileDescriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    require(file.fd >= 0, path + ": cannot open: " + std::strerror(errno));
    struct stat st {};
    require(::fstat(file.fd, &st) == 0, path + ": cannot stat: " + std::strerror(errno));
    require(!S_ISDIR(st.st_mode), path + ": is a directory, not a safetensors file");
    require(S_ISREG(st.st_mode), path + ": is not a regular file");  // pipes and devices cannot be mapped
    const size_t size = static_cast<size_t>(st.st_size);
    // Checked before mapping: mmap rejects a length of 0, and the message must be the same for 0 and 7 bytes.
    require(size >= 8, path + ": file is " + std::to_string(size) +
                           " bytes, too short for the 8-byte header length of a safetensors file");
    void* data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, file.fd, 0);
    require(data != MAP_FAILED, path + ": cannot map " + std::to_string(size) + " bytes: " + std::strerror(errno));
    // No madvise: records are read by name in any order, and default readahead already suits one pass.
    return std::make_shared<const Mapping>(static_cast<const char*>(data), size);
  }  // the fd closes here; the mapping keeps its own reference to the file
};

size_t dtype_size(DType dtype) { return info(dtype).size; }

const char* dtype_name(DType dtype) { return info(dtype).name; }

DType parse_dtype(const std::string& name, const std::string& context) {
  for (const DTypeInfo& d : kDTypes)
    if (name == d.name) return d.dtype;
  throw Error(context + ": unknown dtype " + quote(name) + " (supported: F64 F32 F16 BF16 I64 I32 I16 I8 U8 BOOL)");
}

int64_t numel(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

std::string format_shape(const std::vector<int64_t>& shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) out += (i ? "," : "") + std::to_string(shape[i]);
  return out + "]";
}

SafetensorsFile SafetensorsFile::read(const std::string& path) {
  SafetensorsFile file;
  file.path_ = path;
  file.mapping_ = Mapping::open(path);  // checks the file holds at least the 8-byte header length
  const std::string_view bytes(file.mapping_->data, file.mapping_->size);

  const uint64_t header_size = read_le64(bytes);
  require(header_size > 0, path + ": header length is 0");
  require(header_size <= kMaxHeaderBytes, path + ": header length " + std::to_string(header_size) +
                                              " exceeds the limit of " + std::to_string(kMaxHeaderBytes) + " bytes");
  require(header_size <= bytes.size() - 8, path + ": header length " + std::to_string(header_size) +
                                               " runs past the end of the file (" + std::to_string(bytes.size()) +
                                               " bytes)");
  const std::string_view data = bytes.substr(8 + header_size);
  const Json header = parse_header(path, bytes.substr(8, header_size));

  std::vector<Entry> entries;
  for (const auto& [name, json] : header.items()) {
    if (name == kMetadataKey)
      file.metadata_ = parse_metadata(path, json);
    else
      entries.push_back(parse_entry(path, name, json, data.size()));
  }
  sort_and_check_tiling(path, entries, data.size());

  for (Entry& e : entries) {
    e.record.bytes = data.substr(e.begin, e.end - e.begin);
    file.index_[e.record.name] = file.tensors_.size();
    file.tensors_.push_back(std::move(e.record));
  }
  return file;
}

const TensorRecord* SafetensorsFile::find(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &tensors_[it->second];
}

const TensorRecord& SafetensorsFile::get(const std::string& name) const {
  const TensorRecord* record = find(name);
  require(record != nullptr, tensor_context(path_, name) + ": not in the file");
  return *record;
}

void write_safetensors(const std::string& path, const std::vector<TensorToWrite>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  std::set<std::string> names;
  for (const TensorToWrite& t : tensors) {
    const std::string context = tensor_context(path, t.name);
    require(t.name != kMetadataKey, context + ": the name is reserved for metadata");
    require(names.insert(t.name).second, context + ": name given twice");
    for (int64_t d : t.shape) require(d >= 0, context + ": negative dimension in shape " + format_shape(t.shape));
    uint64_t nbytes = 0;
    require(checked_nbytes(t.shape, t.dtype, nbytes), context + ": shape " + format_shape(t.shape) + " overflows");
    require(nbytes == t.bytes.size(), context + ": " + size_mismatch(t.shape, t.dtype, nbytes, "got", t.bytes.size()));
  }

  std::vector<const TensorToWrite*> order;
  for (const TensorToWrite& t : tensors) order.push_back(&t);
  std::sort(order.begin(), order.end(), [](const TensorToWrite* a, const TensorToWrite* b) {
    const int ra = info(a->dtype).hf_rank, rb = info(b->dtype).hf_rank;
    return ra != rb ? ra > rb : a->name < b->name;
  });

  Json header = Json::object();
  if (!metadata.empty()) header[kMetadataKey] = metadata;
  uint64_t offset = 0;
  for (const TensorToWrite* t : order) {
    header[t->name] = Json{{"dtype", dtype_name(t->dtype)},
                           {"shape", t->shape},
                           {"data_offsets", {offset, offset + t->bytes.size()}}};
    offset += t->bytes.size();
  }
  std::string text;
  try {
    text = header.dump();
  } catch (const Json::type_error&) {
    throw Error(path + ": tensor names and metadata must be valid UTF-8");
  }
  text.append((8 - text.size() % 8) % 8, ' ');  // HF pads so the data section starts 8-byte aligned

  std::string out;
  out.reserve(8 + text.size() + offset);
  for (int i = 0; i < 8; ++i) out += static_cast<char>((text.size() >> (8 * i)) & 0xff);
  out += text;
  for (const TensorToWrite* t : order) out.append(t->bytes);
  write_file_atomic(path, out);
}

}  // namespace peft::io
