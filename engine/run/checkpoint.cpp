#include "engine/run/checkpoint.h"

#include "engine/core/errors.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <sstream>

namespace clvsim::runner {

namespace {

constexpr char MAGIC[8] = {'C', 'L', 'V', 'S', 'I', 'M', 'C', 'K'};
constexpr std::uint32_t BYTE_ORDER_MARK = 0x01020304;
constexpr std::uint32_t RECORD_MAGIC = 0x54494E55;  // "UNIT" in little-endian bytes
constexpr std::size_t RECORD_HEADER = 24;
constexpr std::uint32_t MAX_MANIFEST = 1u << 24;

//! Manifest keys that describe the run but do not decide its units.
bool informational(const std::string& key)
{
  return key == "scenario_file";
}

std::array<std::uint32_t, 256> crc_table()
{
  std::array<std::uint32_t, 256> t{};
  for (std::uint32_t n = 0; n < 256; ++n) {
    std::uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[n] = c;
  }
  return t;
}

std::string escape(const std::string& value)
{
  std::string out;
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string unescape(std::string_view value)
{
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\\' && i + 1 < value.size()) {
      ++i;
      out += value[i] == 'n' ? '\n' : value[i];
    } else {
      out += value[i];
    }
  }
  return out;
}

std::string joined(const std::vector<std::string>& values)
{
  if (values.empty()) return "none";
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "'" : ", '") + v + "'";
  return out;
}

[[noreturn]] void io_error(const std::string& path, const std::string& what)
{
  throw IoError("error: checkpoint '" + path + "': " + what + ": " + std::strerror(errno));
}

//! Reads exactly n bytes at offset; false at the end of the file before n bytes.
bool read_at(int fd, const std::string& path, std::uint64_t offset, void* out, std::size_t n)
{
  auto* p = static_cast<char*>(out);
  while (n > 0) {
    const ssize_t got = ::pread(fd, p, n, static_cast<off_t>(offset));
    if (got < 0) {
      if (errno == EINTR) continue;
      io_error(path, "cannot read");
    }
    if (got == 0) return false;
    p += got;
    n -= static_cast<std::size_t>(got);
    offset += static_cast<std::uint64_t>(got);
  }
  return true;
}

void write_all(int fd, const std::string& path, const void* data, std::size_t n)
{
  const auto* p = static_cast<const char*>(data);
  while (n > 0) {
    const ssize_t put = ::write(fd, p, n);
    if (put < 0) {
      if (errno == EINTR) continue;
      io_error(path, "cannot write");
    }
    p += put;
    n -= static_cast<std::size_t>(put);
  }
}

template <class T>
void put(std::vector<std::byte>& out, T value)
{
  const std::size_t at = out.size();
  out.resize(at + sizeof value);
  std::memcpy(out.data() + at, &value, sizeof value);
}

template <class T>
T get(const std::byte* p)
{
  T value;
  std::memcpy(&value, p, sizeof value);
  return value;
}

std::string dir_of(const std::string& path)
{
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? "." : parent.string();
}

}  // namespace

std::uint32_t crc32(std::span<const std::byte> bytes, std::uint32_t crc)
{
  static const std::array<std::uint32_t, 256> table = crc_table();
  crc = ~crc;
  for (std::byte b : bytes) crc = table[(crc ^ static_cast<std::uint32_t>(b)) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

std::string fnv1a64_hex(std::string_view text)
{
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string Manifest::text() const
{
  std::string out;
  for (const auto& [key, value] : fields) out += key + " = " + escape(value) + "\n";
  return out;
}

Manifest Manifest::parse(std::string_view text)
{
  Manifest m;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    const std::string_view line = text.substr(at, end - at);
    const std::size_t eq = line.find(" = ");
    if (eq != std::string_view::npos)
      m.fields.emplace_back(std::string(line.substr(0, eq)), unescape(line.substr(eq + 3)));
    at = end + 1;
  }
  return m;
}

std::vector<std::string> Manifest::values(std::string_view key) const
{
  std::vector<std::string> out;
  for (const auto& [k, v] : fields)
    if (k == key) out.push_back(v);
  return out;
}

Manifest run_manifest(const scenarios::Scenario& sc, const std::vector<std::string>& sets,
                      const std::vector<std::string>& sweeps, const std::string& kernel, const std::string& version)
{
  Manifest m;
  m.fields.emplace_back("clvsim_version", version);
  m.fields.emplace_back("scenario_file", sc.source_path);
  m.fields.emplace_back("scenario_text_fnv1a64", fnv1a64_hex(sc.source_toml));
  std::string history = "none";
  if (sc.existing && !sc.existing->empty()) {
    std::ostringstream rows;
    rows.precision(17);
    for (const auto& c : *sc.existing)
      rows << c.id << ',' << c.x << ',' << c.t_x << ',' << c.T << ',' << c.m_x << ',' << c.has_m_x << ',' << c.renewals
           << '\n';
    history = fnv1a64_hex(rows.str());
  }
  m.fields.emplace_back("history_fnv1a64", history);
  m.fields.emplace_back("paths", std::to_string(sc.simulation.paths));
  m.fields.emplace_back("seed", std::to_string(sc.simulation.seed));
  for (const auto& s : sets)
    if (s.rfind("simulation.paths=", 0) != 0 && s.rfind("simulation.seed=", 0) != 0) m.fields.emplace_back("set", s);
  for (const auto& s : sweeps) m.fields.emplace_back("sweep", s);
  m.fields.emplace_back("kernel", kernel);
  return m;
}

std::string run_hash(const Manifest& manifest)
{
  Manifest deciding;
  for (const auto& field : manifest.fields)
    if (!informational(field.first)) deciding.fields.push_back(field);
  return fnv1a64_hex(deciding.text());
}

Journal::Journal(std::string path, const Manifest& manifest, bool resume, bool force) : path_(std::move(path))
{
  const bool exists = std::filesystem::exists(path_);
  if (exists && !resume && !force)
    throw InputError("error: checkpoint '" + path_ +
                     "' exists: add --resume to continue it, or --force to start it again");
  if (exists && resume) {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CLOEXEC);
    if (fd_ < 0) io_error(path_, "cannot open");
    scan(manifest);
    ::close(fd_);
    fd_ = -1;
  } else {
    create(manifest);
    notes_.push_back("checkpoint '" + path_ + "': a new journal");
  }
  fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd_ < 0) io_error(path_, "cannot open");
}

Journal::~Journal()
{
  if (fd_ >= 0) ::close(fd_);
}

void Journal::create(const Manifest& manifest)
{
  const std::string text = manifest.text();
  std::vector<std::byte> header(sizeof MAGIC);
  std::memcpy(header.data(), MAGIC, sizeof MAGIC);
  put(header, BYTE_ORDER_MARK);
  put(header, JOURNAL_FORMAT);
  put(header, static_cast<std::uint32_t>(text.size()));
  const std::size_t at = header.size();
  header.resize(at + text.size());
  std::memcpy(header.data() + at, text.data(), text.size());
  put(header, crc32(std::as_bytes(std::span(text.data(), text.size()))));
  // Whole or absent: a temporary file, synced, renamed into place, and the directory synced.
  const std::string tmp = path_ + ".tmp-" + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) io_error(path_, "cannot create '" + tmp + "'");
  try {
    write_all(fd, path_, header.data(), header.size());
    if (::fsync(fd) != 0) io_error(path_, "cannot sync");
  } catch (...) {
    ::close(fd);
    std::remove(tmp.c_str());
    throw;
  }
  ::close(fd);
  if (std::rename(tmp.c_str(), path_.c_str()) != 0) {
    const int e = errno;
    std::remove(tmp.c_str());
    errno = e;
    io_error(path_, "cannot rename '" + tmp + "' into place");
  }
  const int dir = ::open(dir_of(path_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
}

void Journal::scan(const Manifest& manifest)
{
  const auto not_a_checkpoint = [&](const std::string& why) {
    return InputError("error: '" + path_ + "' is not a readable clvsim checkpoint (" + why +
                      "); remove it, or run with --force and without --resume to start it again");
  };
  char magic[sizeof MAGIC];
  std::uint32_t fixed[3];
  if (!read_at(fd_, path_, 0, magic, sizeof magic) || std::memcmp(magic, MAGIC, sizeof MAGIC) != 0)
    throw not_a_checkpoint("no checkpoint header");
  if (!read_at(fd_, path_, sizeof MAGIC, fixed, sizeof fixed)) throw not_a_checkpoint("the header is cut short");
  if (fixed[0] != BYTE_ORDER_MARK) throw not_a_checkpoint("written on a machine of another byte order");
  if (fixed[1] != JOURNAL_FORMAT)
    throw not_a_checkpoint("journal format " + std::to_string(fixed[1]) + ", this clvsim reads " +
                           std::to_string(JOURNAL_FORMAT));
  const std::uint32_t text_bytes = fixed[2];
  if (text_bytes > MAX_MANIFEST) throw not_a_checkpoint("the manifest is damaged");
  std::string text(text_bytes, '\0');
  std::uint32_t text_crc = 0;
  const std::uint64_t text_at = sizeof MAGIC + sizeof fixed;
  if (!read_at(fd_, path_, text_at, text.data(), text.size()) ||
      !read_at(fd_, path_, text_at + text_bytes, &text_crc, sizeof text_crc))
    throw not_a_checkpoint("the manifest is cut short");
  if (crc32(std::as_bytes(std::span(text.data(), text.size()))) != text_crc)
    throw not_a_checkpoint("the manifest does not match its CRC");

  // The manifest: every key of either side that decides the units, compared.
  const Manifest theirs = Manifest::parse(text);
  std::vector<std::string> keys;
  for (const auto* m : {&manifest, &theirs})
    for (const auto& [key, value] : m->fields)
      if (!informational(key) && std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  std::string differences;
  for (const auto& key : keys) {
    const auto ours = manifest.values(key), stored = theirs.values(key);
    if (ours == stored) continue;
    std::string what = key;
    if (key == "scenario_text_fnv1a64")
      what = "the scenario's text (hash)";
    else if (key == "history_fnv1a64")
      what = "the history's rows (hash)";
    else if (key == "set")
      what = "--set";
    else if (key == "sweep")
      what = "--sweep";
    differences += (differences.empty() ? "" : "; ") + what + " is " + joined(ours) + " in this run, " +
                   joined(stored) + " in the checkpoint";
  }
  if (!differences.empty())
    throw InputError(
        "error: checkpoint '" + path_ + "' belongs to another run: " + differences +
        " (resume with the same scenario and options, or start it again with --force and without --resume)");

  // The records: readable ones listed; a torn or damaged tail cut off.
  std::uint64_t at = text_at + text_bytes + sizeof text_crc;
  std::size_t damaged = 0;
  struct stat st {};
  if (::fstat(fd_, &st) != 0) io_error(path_, "cannot stat");
  const auto size = static_cast<std::uint64_t>(st.st_size);
  std::vector<std::byte> payload;
  while (at < size) {
    std::byte header[RECORD_HEADER];
    const auto torn = [&](const std::string& why) {
      notes_.push_back("checkpoint '" + path_ + "': " + why + " at byte " + std::to_string(at) + ": " +
                       std::to_string(size - at) + " bytes cut off, its unit runs again");
    };
    if (size - at < RECORD_HEADER) {
      torn("a record cut short (a torn write)");
      break;
    }
    read_at(fd_, path_, at, header, RECORD_HEADER);
    const auto magic_word = get<std::uint32_t>(header), path = get<std::uint32_t>(header + 4);
    const auto bytes = get<std::uint64_t>(header + 8);
    const auto payload_crc = get<std::uint32_t>(header + 16), header_crc = get<std::uint32_t>(header + 20);
    if (magic_word != RECORD_MAGIC || crc32(std::span(header, 20)) != header_crc) {
      torn("a damaged record header");
      break;
    }
    if (bytes > size - at - RECORD_HEADER) {
      torn("a record cut short (a torn write) of path " + std::to_string(path));
      break;
    }
    payload.resize(static_cast<std::size_t>(bytes));
    read_at(fd_, path_, at + RECORD_HEADER, payload.data(), payload.size());
    if (crc32(payload) != payload_crc) {
      notes_.push_back("checkpoint '" + path_ + "': the record of path " + std::to_string(path) + " at byte " +
                       std::to_string(at) + " does not match its CRC (damaged): path " + std::to_string(path) +
                       " runs again");
      ++damaged;
    } else {
      entries_.push_back({path, at + RECORD_HEADER, bytes});
    }
    at += RECORD_HEADER + bytes;
  }
  if (at < size) {
    if (::ftruncate(fd_, static_cast<off_t>(at)) != 0 || ::fsync(fd_) != 0)
      io_error(path_, "cannot cut off the damaged tail");
  }
  notes_.push_back("checkpoint '" + path_ + "': " + std::to_string(entries_.size()) + " readable records" +
                   (damaged ? ", " + std::to_string(damaged) + " damaged" : ""));
}

std::vector<std::byte> Journal::read(const Entry& entry) const
{
  std::vector<std::byte> payload(static_cast<std::size_t>(entry.bytes));
  const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) io_error(path_, "cannot open");
  const bool whole = read_at(fd, path_, entry.offset, payload.data(), payload.size());
  ::close(fd);
  if (!whole) throw IoError("error: checkpoint '" + path_ + "': shorter than when it was opened");
  return payload;
}

void Journal::append(std::uint32_t path, std::span<const std::byte> payload)
{
  std::vector<std::byte> record;
  record.reserve(RECORD_HEADER + payload.size());
  put(record, RECORD_MAGIC);
  put(record, path);
  put(record, static_cast<std::uint64_t>(payload.size()));
  put(record, crc32(payload));
  put(record, crc32(record));
  record.insert(record.end(), payload.begin(), payload.end());
  std::lock_guard<std::mutex> lock(mutex_);
  write_all(fd_, path_, record.data(), record.size());
  unsynced_ = true;
  if (std::chrono::steady_clock::now() - last_sync_ >= std::chrono::duration<double>(SYNC_SECONDS)) sync_locked();
}

void Journal::sync()
{
  std::lock_guard<std::mutex> lock(mutex_);
  sync_locked();
}

void Journal::sync_locked()
{
  last_sync_ = std::chrono::steady_clock::now();
  if (!unsynced_) return;
  if (::fdatasync(fd_) != 0) io_error(path_, "cannot sync");
  unsynced_ = false;
}

std::vector<char> fold_journal(const Journal& journal, const UnitCodec& codec, int paths, const FoldUnit& fold,
                               const std::function<void(const std::string&)>& note)
{
  std::vector<char> done(static_cast<std::size_t>(paths), 0);
  if (journal.entries().empty()) return done;
  int count = 0;
  for (const Journal::Entry& entry : journal.entries()) {
    if (entry.path >= static_cast<std::uint32_t>(paths) || done[entry.path]) continue;  // a unit run again
    const std::vector<std::byte> payload = journal.read(entry);
    std::optional<PathUnit> unit = codec.decode(payload);
    if (!unit || unit->path != entry.path) {
      note("checkpoint '" + journal.path() + "': the record of path " + std::to_string(entry.path) +
           " does not fit this run's layout: it runs again");
      continue;
    }
    fold(std::move(*unit));
    done[entry.path] = 1;
    ++count;
  }
  note("checkpoint '" + journal.path() + "': " + std::to_string(count) + " of " + std::to_string(paths) +
       " paths done, " + std::to_string(paths - count) + " to run");
  return done;
}

CheckpointExchange::CheckpointExchange(Journal& journal, std::function<void(const std::string&)> note)
    : journal_(journal), note_(std::move(note))
{}

std::vector<std::uint32_t> CheckpointExchange::start(const UnitCodec& codec, int paths, const FoldUnit& fold)
{
  codec_ = &codec;
  const std::vector<char> done = fold_journal(journal_, codec, paths, fold, note_);
  std::vector<std::uint32_t> mine;
  for (int p = 0; p < paths; ++p)
    if (!done[static_cast<std::size_t>(p)]) mine.push_back(static_cast<std::uint32_t>(p));
  return mine;
}

void CheckpointExchange::finished(const PathUnit& unit)
{
  journal_.append(unit.path, codec_->encode(unit));
}

void CheckpointExchange::batch_done(const FoldUnit&)
{
  journal_.sync();
}

void CheckpointExchange::finish(const FoldUnit&)
{
  journal_.sync();
}

}  // namespace clvsim::runner
