#include "search/search_index.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <fstream>
#include <random>
#include <set>
#include <unordered_set>
#include <utility>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <xapian.h>

#include "core/normalise.hpp"
#include "search/search_documents.hpp"

namespace yiwang::search {

namespace fs = std::filesystem;

namespace {

using QP = Xapian::QueryParser;

constexpr const char* kSeqKey = "yiwang:seq";  // index metadata: the change number applied
constexpr const char* kStubName = "current";   // stub database file naming the current index
constexpr const char* kIndexPrefix = "index-";

constexpr std::size_t kChangeBatch = 1000;  // changes read per query (and commit) by catch_up
// Documents a rebuild indexes between flushes: Xapian's default (10 000) makes
// its in-memory maps so large that n-gram indexing runs at half the speed.
constexpr std::size_t kRebuildFlush = 500;
constexpr int kRecentSeconds = 60;  // see SearchDocuments::changes_since
constexpr std::size_t kMaxQueryChars = 200;
constexpr std::size_t kMaxPhraseTerms = 32;
constexpr std::size_t kMaxPooledReaders = 8;
constexpr std::size_t kMaxPage = 10000;
constexpr Xapian::doccount kCheckAtLeast = 2000;  // so that facet counts mean something
constexpr std::size_t kSnippetBytes = 360;        // ~120 Chinese characters
constexpr std::size_t kMaxTermValueBytes = 200;   // Xapian terms are limited to 245 bytes
constexpr Xapian::termpos kFieldGap = 100;        // no phrase spans two fields

// Weights: a title term counts five times a body term and the title again
// thrice in the boost; a keyword thrice; a phrase match ten times; a document
// number far above anything text can score.
constexpr Xapian::termcount kTitleWdf = 5;
constexpr Xapian::termcount kKeywordWdf = 3;
constexpr double kTitleBoost = 3;
constexpr double kPhraseBoost = 10;
constexpr double kDocNumberWeight = 1e6;

enum Slot : Xapian::valueno {
  kColumnSlot = 0,
  kYearSlot = 1,
  kKindSlot = 2,
  kOrganSlot = 3,
  kPublishedSlot = 4,
};

constexpr unsigned kParseFlags =
    QP::FLAG_CJK_NGRAM | QP::FLAG_PHRASE | QP::FLAG_BOOLEAN | QP::FLAG_LOVEHATE | QP::FLAG_DEFAULT;
// When the query's syntax is broken ("AND OR", an unbalanced bracket): words only.
constexpr unsigned kPlainFlags = QP::FLAG_CJK_NGRAM | QP::FLAG_LOVEHATE;

// At most `max` bytes of UTF-8 text, cut between characters.
std::string cut_bytes(std::string_view text, std::size_t max) {
  if (text.size() <= max) return std::string(text);
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return std::string(text.substr(0, n));
}

// At most `max` characters (code points) of UTF-8 text.
std::string cut_chars(std::string_view text, std::size_t max) {
  std::size_t count = 0, i = 0;
  for (; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (count == max) break;
      ++count;
    }
  }
  return std::string(text.substr(0, i));
}

bool is_blank(std::string_view half_width_text) {
  return std::all_of(half_width_text.begin(), half_width_text.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  });
}

// A facet value as a boolean term's suffix (the same on indexing and filtering).
std::string term_value(std::string_view value) { return cut_bytes(value, kMaxTermValueBytes); }

// The unique term of a document; ids too long for a term keep a prefix and a hash.
std::string id_term(const std::string& id) {
  if (id.size() <= kMaxTermValueBytes) return "Q" + id;
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a: stable across builds
  for (unsigned char c : id) h = (h ^ c) * 1099511628211ULL;
  return fmt::format("Q{}#{:016x}", cut_bytes(id, kMaxTermValueBytes - 20), h);
}

std::string year_of(const std::string& published_at) {
  if (published_at.size() < 4) return {};
  std::string y = published_at.substr(0, 4);
  return std::all_of(y.begin(), y.end(), [](char c) { return c >= '0' && c <= '9'; })
             ? y
             : std::string();
}

// "index-12" → 12; -1 for any other name.
long long index_number(const std::string& name) {
  if (!name.starts_with(kIndexPrefix)) return -1;
  std::string_view digits =
      std::string_view(name).substr(std::char_traits<char>::length(kIndexPrefix));
  long long n = -1;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty()) return -1;
  return n;
}

// The number of an index or of one being built ("index-12.build" → 12); -1
// for any other name.
long long any_index_number(const std::string& name) {
  constexpr std::string_view kBuild = ".build";
  return index_number(name.ends_with(kBuild) ? name.substr(0, name.size() - kBuild.size()) : name);
}

// The index the stub names ("index-N"), or "" when there is no valid stub.
std::string read_target(const fs::path& dir) {
  std::ifstream in(dir / kStubName);
  std::string type, target;
  if (!(in >> type >> target)) return {};
  if (type != "auto" || index_number(target) < 0) return {};
  return target;
}

void sync_path(const fs::path& path, int flags) {
  int fd = ::open(path.c_str(), flags);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// Points the stub at `target`: written beside it, synced, then renamed over
// it, so a reader sees the old stub or the new one, never half of one.
void write_stub(const fs::path& dir, const std::string& target) {
  // Unique per writer: two rebuilds (threads or processes) may swap at once.
  fs::path tmp =
      dir / fmt::format("{}.tmp-{}-{:016x}", kStubName, ::getpid(),
                        std::random_device{}() * 0x100000001ULL ^ std::random_device{}());
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << "auto " << target << "\n";
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + tmp.string());
  }
  sync_path(tmp, O_RDONLY);
  fs::rename(tmp, dir / kStubName);
  sync_path(dir, O_RDONLY | O_DIRECTORY);
}

std::string utc_seconds_ago(int seconds) {
  auto t = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) -
           std::chrono::seconds(seconds);
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", t);
}

// An exclusive lock on <dir>/swap.lock for as long as it lives (flock: held
// per open file, so it excludes other threads as well as other processes).
class SwapLock {
 public:
  explicit SwapLock(const fs::path& dir) {
    fd_ = ::open((dir / "swap.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw std::runtime_error("cannot open " + (dir / "swap.lock").string());
    while (::flock(fd_, LOCK_EX) != 0)
      if (errno != EINTR) {
        ::close(fd_);
        throw std::runtime_error("cannot lock " + (dir / "swap.lock").string());
      }
  }
  ~SwapLock() { ::close(fd_); }
  SwapLock(const SwapLock&) = delete;
  SwapLock& operator=(const SwapLock&) = delete;

 private:
  int fd_ = -1;
};

// Makes a directory's files and the directory itself durable.
void sync_files(const fs::path& dir) {
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_regular_file()) sync_path(entry.path(), O_RDONLY);
  sync_path(dir, O_RDONLY | O_DIRECTORY);
}

std::int64_t seq_of(const Xapian::Database& db) {
  std::string text = db.get_metadata(kSeqKey);
  std::int64_t seq = 0;
  std::from_chars(text.data(), text.data() + text.size(), seq);
  return seq;
}

// The Xapian document of a search Document:
//   terms    title (wdf ×5) and body unprefixed, with positions (phrases);
//            title again as "S" (the title: field and boost), keywords
//            unprefixed and as "K" (×3), the 发文字号's text unprefixed;
//   boolean  "Q"+id (unique), "XC" column, "XY" year, "XT" kind, "XO" organ,
//            "XD" normalised 发文字号;
//   values   0 column, 1 year, 2 kind, 3 organ (facets), 4 published_at;
//   data     the Document as JSON, for showing hits.
Xapian::Document make_document(const Document& d, Xapian::TermGenerator& tg) {
  Xapian::Document xd;
  tg.set_document(xd);
  // Text is indexed half-width, as queries are parsed, so ２０１９ finds 2019.
  std::string title = core::to_half_width(d.title);
  tg.index_text(title, kTitleWdf);
  tg.increase_termpos(kFieldGap);
  tg.index_text(title, 1, "S");
  tg.increase_termpos(kFieldGap);
  tg.index_text(core::to_half_width(d.body));
  for (const auto& keyword : d.keywords) {
    std::string k = core::to_half_width(keyword);
    tg.increase_termpos(kFieldGap);
    tg.index_text(k, kKeywordWdf);
    tg.index_text(k, kKeywordWdf, "K");
  }
  if (!d.doc_number.empty()) {
    tg.increase_termpos(kFieldGap);
    tg.index_text(core::to_half_width(d.doc_number));
    std::string normalised = normalise_doc_number(d.doc_number);
    if (!normalised.empty()) xd.add_boolean_term("XD" + term_value(normalised));
  }
  xd.add_boolean_term(id_term(d.id));
  std::string year = year_of(d.published_at);
  const std::pair<Slot, std::pair<const char*, const std::string*>> facets[] = {
      {kColumnSlot, {"XC", &d.column}},
      {kYearSlot, {"XY", &year}},
      {kKindSlot, {"XT", &d.kind}},
      {kOrganSlot, {"XO", &d.organ}},
  };
  for (const auto& [slot, term] : facets) {
    const std::string& value = *term.second;
    if (value.empty()) continue;
    xd.add_boolean_term(term.first + term_value(value));
    xd.add_value(slot, value);
  }
  if (!d.published_at.empty()) xd.add_value(kPublishedSlot, d.published_at);
  xd.set_data(document_to_json(d));
  return xd;
}

Xapian::TermGenerator make_term_generator() {
  Xapian::TermGenerator tg;
  tg.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
  return tg;
}

// Parses with the full syntax; a query Xapian cannot parse is read again as
// plain words, and one that still fails matches nothing.
Xapian::Query parse(Xapian::QueryParser& qp, const std::string& text, const std::string& prefix) {
  try {
    return qp.parse_query(text, kParseFlags, prefix);
  } catch (const Xapian::QueryParserError&) {
  }
  try {
    return qp.parse_query(text, kPlainFlags, prefix);
  } catch (const Xapian::QueryParserError&) {
  }
  try {
    return qp.parse_query(text, QP::FLAG_CJK_NGRAM, prefix);
  } catch (const Xapian::QueryParserError&) {
    return Xapian::Query();
  }
}

// The positional terms of a text in order — for CJK text its single
// characters (n-gram indexing gives positions to those only, not to the
// bigrams), for other text its words — which as an OP_PHRASE match the text
// written contiguously.
std::vector<std::string> phrase_terms(const std::string& text) {
  Xapian::TermGenerator tg = make_term_generator();
  Xapian::Document scratch;
  tg.set_document(scratch);
  tg.index_text(text);
  std::vector<std::pair<Xapian::termpos, std::string>> at;
  for (auto t = scratch.termlist_begin(); t != scratch.termlist_end(); ++t)
    for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p) at.emplace_back(*p, *t);
  std::sort(at.begin(), at.end());
  std::vector<std::string> out;
  for (auto& [pos, term] : at) out.push_back(std::move(term));
  return out;
}

// Whether a term is one CJK character (a unigram of n-gram indexing).
bool single_cjk(const std::string& term) {
  if (term.size() != 3 && term.size() != 4) return false;
  auto b = [&](std::size_t i) { return static_cast<unsigned char>(term[i]); };
  char32_t cp = term.size() == 3 ? ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F)
                                 : ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) |
                                       ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
  return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7AF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || cp >= 0x20000;
}

const std::pair<Slot, const char*> kFacets[] = {
    {kColumnSlot, "column"},
    {kYearSlot, "year"},
    {kKindSlot, "type"},
    {kOrganSlot, "organ"},
};

}  // namespace

struct SearchIndex::Impl {
  fs::path dir;

  // A reader of the current index; `target` is the index it has open.
  struct Reader {
    std::string target;
    Xapian::Database db;
  };
  mutable std::mutex pool_mu;
  mutable std::vector<std::unique_ptr<Reader>> pool;

  std::mutex write_mu;    // one catch_up at a time in this process
  std::mutex rebuild_mu;  // one rebuild at a time in this process
  // Changes of the recent window already applied to `recent_target` by this
  // process (under write_mu): changes_since returns them again for a minute.
  std::set<std::int64_t> recent_applied;
  std::string recent_target;

  std::unique_ptr<Reader> take() const {
    std::lock_guard lock(pool_mu);
    if (pool.empty()) return std::make_unique<Reader>();
    auto r = std::move(pool.back());
    pool.pop_back();
    return r;
  }

  void give_back(std::unique_ptr<Reader> r) const {
    std::lock_guard lock(pool_mu);
    if (pool.size() < kMaxPooledReaders) pool.push_back(std::move(r));
  }

  // Brings a reader to the latest commit of the current index: re-opened
  // from the stub's target when a rebuild swapped the stub (reopen() alone
  // would stay on the old database).
  void refresh(Reader& r) const {
    std::string target = read_target(dir);
    if (target.empty()) throw Xapian::DatabaseNotFoundError("no search index in " + dir.string());
    if (target != r.target) {
      r.db = Xapian::Database((dir / target).string());
      r.target = std::move(target);
    } else {
      r.db.reopen();
    }
  }

  // Runs fn(database) on a fresh reader, retrying when the database changed
  // under it or was replaced by a rebuild.
  template <class F>
  auto with_reader(F&& fn) const -> decltype(fn(std::declval<Xapian::Database&>())) {
    for (int attempt = 0;; ++attempt) {
      auto r = take();
      try {
        refresh(*r);
        auto result = fn(r->db);
        give_back(std::move(r));
        return result;
      } catch (const Xapian::DatabaseModifiedError&) {
        if (attempt >= 2) throw;
      } catch (const Xapian::DatabaseOpeningError&) {
        if (attempt >= 2) throw;
      }
    }
  }

  SearchResults run(Xapian::Database& db, const std::string& text, const SearchQuery& q,
                    std::size_t page, std::size_t page_size) const;
};

SearchResults SearchIndex::Impl::run(Xapian::Database& db, const std::string& text,
                                     const SearchQuery& q, std::size_t page,
                                     std::size_t page_size) const {
  SearchResults out;
  out.page = page;
  out.page_size = page_size;

  Xapian::QueryParser qp;
  qp.set_database(db);
  qp.set_default_op(Xapian::Query::OP_AND);
  qp.add_prefix("title", "S");
  qp.add_prefix("keyword", "K");

  Xapian::Query query;
  Xapian::Query base = parse(qp, text, "");
  if (!base.empty()) {
    Xapian::Query boost(Xapian::Query::OP_SCALE_WEIGHT, parse(qp, text, "S"), kTitleBoost);
    std::vector<std::string> terms = phrase_terms(text);
    if (terms.size() > kMaxPhraseTerms) terms.resize(kMaxPhraseTerms);
    // Two CJK characters need no phrase: their bigram term already says they are adjacent.
    bool bigram = terms.size() == 2 && single_cjk(terms[0]) && single_cjk(terms[1]);
    if (terms.size() >= 2 && !bigram) {
      Xapian::Query phrase(Xapian::Query::OP_PHRASE, terms.begin(), terms.end(), terms.size());
      boost = Xapian::Query(Xapian::Query::OP_OR, boost,
                            Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, phrase, kPhraseBoost));
    }
    query = Xapian::Query(Xapian::Query::OP_AND_MAYBE, base, boost);
  }
  if (looks_like_doc_number(text)) {
    std::string normalised = normalise_doc_number(text);
    if (!normalised.empty()) {
      // The boolean term has no weight of its own: a fixed-weight source gives it one.
      Xapian::Query number(
          Xapian::Query::OP_FILTER,
          Xapian::Query((new Xapian::FixedWeightPostingSource(kDocNumberWeight))->release()),
          Xapian::Query("XD" + term_value(normalised)));
      query = query.empty() ? number : Xapian::Query(Xapian::Query::OP_OR, query, number);
    }
  }
  if (query.empty()) return out;

  std::vector<Xapian::Query> filters;
  const std::pair<const char*, const std::string*> wanted[] = {
      {"XC", &q.column}, {"XY", &q.year}, {"XT", &q.kind}, {"XO", &q.organ}};
  for (const auto& [prefix, value] : wanted)
    if (!value->empty()) filters.emplace_back(prefix + term_value(*value));
  if (!filters.empty())
    query = Xapian::Query(Xapian::Query::OP_FILTER, query,
                          Xapian::Query(Xapian::Query::OP_AND, filters.begin(), filters.end()));

  Xapian::Enquire enquire(db);
  enquire.set_query(query);
  std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> spies;
  for (const auto& [slot, name] : kFacets) {
    spies.push_back(std::make_unique<Xapian::ValueCountMatchSpy>(slot));
    enquire.add_matchspy(spies.back().get());
  }
  auto first = static_cast<Xapian::doccount>((page - 1) * page_size);
  auto size = static_cast<Xapian::doccount>(page_size);
  Xapian::MSet mset =
      enquire.get_mset(first, size, std::max<Xapian::doccount>(kCheckAtLeast, first + size));
  out.total = mset.get_matches_estimated();

  for (std::size_t i = 0; i < spies.size(); ++i) {
    // The spies count the documents the match looked at (all of them for up
    // to kCheckAtLeast matches); beyond that the counts are scaled to the
    // estimated total, like the total itself.
    double seen = spies[i]->get_total();
    double scale = seen > 0 && out.total > seen ? out.total / seen : 1.0;
    std::vector<FacetValue> values;
    for (auto v = spies[i]->values_begin(); v != spies[i]->values_end(); ++v)
      values.push_back({*v, static_cast<std::size_t>(std::llround(v.get_termfreq() * scale))});
    std::sort(values.begin(), values.end(), [](const FacetValue& a, const FacetValue& b) {
      return a.count != b.count ? a.count > b.count : a.value < b.value;
    });
    out.facets[kFacets[i].second] = std::move(values);
  }

  double top = mset.get_max_attained();
  for (auto it = mset.begin(); it != mset.end(); ++it) {
    Document d = document_from_json(it.get_document().get_data());
    SearchHit h;
    h.title_html = mset.snippet(d.title, d.title.size() + 64, Xapian::Stem(),
                                Xapian::MSet::SNIPPET_CJK_NGRAM, "<mark>", "</mark>", "…");
    h.snippet_html =
        mset.snippet(d.body, kSnippetBytes, Xapian::Stem(),
                     Xapian::MSet::SNIPPET_CJK_NGRAM | Xapian::MSet::SNIPPET_BACKGROUND_MODEL |
                         Xapian::MSet::SNIPPET_EXHAUSTIVE,
                     "<mark>", "</mark>", "…");
    // Relevance relative to the best match (Xapian's own percentage also
    // weighs the share of query terms matched, which the boosts distort).
    double w = it.get_weight();
    h.percent = top > 0 ? std::clamp(static_cast<int>(std::lround(100 * w / top)), 1, 100) : 100;
    h.id = std::move(d.id);
    h.kind = std::move(d.kind);
    h.title = std::move(d.title);
    h.url = std::move(d.url);
    h.column = std::move(d.column);
    h.organ = std::move(d.organ);
    h.doc_number = std::move(d.doc_number);
    h.published_at = std::move(d.published_at);
    out.hits.push_back(std::move(h));
  }
  return out;
}

SearchIndex::SearchIndex(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SearchIndex::~SearchIndex() = default;

Result<std::unique_ptr<SearchIndex>> SearchIndex::open(const fs::path& dir) {
  try {
    fs::create_directories(dir);
    std::string target = read_target(dir);
    bool new_stub = target.empty();
    if (new_stub) target = std::string(kIndexPrefix) + "1";
    // A missing index is created empty: catching up from change 0 fills it again.
    if (!fs::exists(dir / target)) {
      try {
        Xapian::WritableDatabase w((dir / target).string(), Xapian::DB_CREATE_OR_OPEN);
        w.close();
      } catch (const Xapian::DatabaseLockError&) {
        // Another process is creating it at this moment.
      }
    }
    if (new_stub) write_stub(dir, target);
    auto impl = std::make_unique<Impl>();
    impl->dir = dir;
    try {
      auto reader = impl->take();
      impl->refresh(*reader);
      impl->give_back(std::move(reader));
    } catch (const Xapian::Error& e) {
      // Opened all the same, so that a rebuild can replace a damaged index;
      // searches fail meanwhile.
      spdlog::warn("search: the index in {} cannot be read ({}); rebuild it with `yiwang reindex`",
                   dir.string(), e.get_description());
    }
    return std::unique_ptr<SearchIndex>(new SearchIndex(std::move(impl)));
  } catch (const Xapian::Error& e) {
    return fail("search.failed", "", {{"detail", e.get_msg()}});
  } catch (const std::exception& e) {
    return fail("search.failed", "", {{"detail", e.what()}});
  }
}

Result<SearchResults> SearchIndex::search(const SearchQuery& q) const {
  std::size_t page = std::clamp<std::size_t>(q.page, 1, kMaxPage);
  std::size_t page_size = std::clamp<std::size_t>(q.page_size, 1, 50);
  std::string text = core::to_half_width(cut_chars(q.text, kMaxQueryChars));
  if (is_blank(text)) {
    SearchResults empty;
    empty.page = page;
    empty.page_size = page_size;
    return empty;
  }
  try {
    return impl_->with_reader(
        [&](Xapian::Database& db) { return impl_->run(db, text, q, page, page_size); });
  } catch (const Xapian::Error& e) {
    return fail("search.failed", "", {{"detail", e.get_msg()}});
  } catch (const std::exception& e) {
    return fail("search.failed", "", {{"detail", e.what()}});
  }
}

Result<std::size_t> SearchIndex::catch_up(db::Database& db) {
  std::lock_guard lock(impl_->write_mu);
  try {
    std::string target = read_target(impl_->dir);
    if (target.empty()) return fail("search.failed", "", {{"detail", "no current index"}});
    Xapian::WritableDatabase w;
    try {
      w = Xapian::WritableDatabase((impl_->dir / target).string(), Xapian::DB_CREATE_OR_OPEN);
    } catch (const Xapian::DatabaseLockError&) {
      return 0;  // another writer (a rebuild's catch-up, another process): next time
    }
    if (read_target(impl_->dir) != target) return 0;  // swapped meanwhile: next time
    if (target != impl_->recent_target) impl_->recent_applied.clear();

    const std::int64_t start = seq_of(w);
    std::int64_t highest = start, cursor = start, recorded = start;
    std::set<std::int64_t> seen;
    std::size_t applied = 0;
    Xapian::TermGenerator tg = make_term_generator();
    // The first read also brings the recent window (changes that may have
    // committed late); the following ones page on by change number.
    for (int recent = kRecentSeconds;; recent = 0) {
      auto changes = SearchDocuments::changes_since(db, cursor, kChangeBatch, recent);
      if (!changes) return std::unexpected(changes.error());
      for (const auto& c : *changes) {
        seen.insert(c.seq);
        highest = std::max(highest, c.seq);
        if (c.seq <= start && impl_->recent_applied.contains(c.seq)) continue;
        std::string key = id_term(c.doc.id);
        try {
          if (c.deleted)
            w.delete_document(key);
          else
            w.replace_document(key, make_document(c.doc, tg));
          ++applied;
        } catch (const Xapian::InvalidArgumentError& e) {
          // A document Xapian refuses must not stop every later one.
          spdlog::warn("search: document {} not indexed: {}", c.doc.id, e.get_msg());
        }
      }
      if (!changes->empty()) cursor = changes->back().seq;
      // Committed a page at a time (what is applied stays applied, and Xapian
      // indexes faster in small batches); the pages come in change order, so
      // every change up to `highest` is in.
      if (highest != recorded) w.set_metadata(kSeqKey, std::to_string(recorded = highest));
      w.commit();
      if (changes->size() < kChangeBatch) break;
    }
    w.close();
    impl_->recent_applied = std::move(seen);
    impl_->recent_target = target;
    return applied;
  } catch (const Xapian::Error& e) {
    return fail("search.failed", "", {{"detail", e.get_msg()}});
  } catch (const std::exception& e) {
    return fail("search.failed", "", {{"detail", e.what()}});
  }
}

Result<std::size_t> SearchIndex::rebuild(db::Database& db, Progress& progress) {
  std::lock_guard lock(impl_->rebuild_mu);
  const fs::path& dir = impl_->dir;
  // The index this rebuild makes, once it has claimed its number; the
  // documents go to `target`.build, compacted into `target`.
  std::string target;
  // A failed rebuild leaves nothing behind. When another one (another
  // process) made a newer index current meanwhile, and removed this one's,
  // this one was merely beaten to it.
  auto give_up = [&](Error error) -> Result<std::size_t> {
    progress.finish("search.rebuild");
    if (target.empty()) return std::unexpected(std::move(error));
    std::string current = read_target(dir);
    std::error_code ec;
    fs::remove_all(dir / (target + ".build"), ec);
    if (current != target) fs::remove_all(dir / target, ec);
    if (index_number(current) > index_number(target))
      return fail("search.busy", "", {{"detail", "another rebuild finished first"}});
    return std::unexpected(std::move(error));
  };
  try {
    // A number above every index present, so a rebuild that died half-way is
    // never mistaken for a finished one, claimed by creating its build
    // directory (atomic: two rebuilds never share a number).
    long long n = index_number(read_target(dir));
    for (const auto& entry : fs::directory_iterator(dir))
      n = std::max(n, any_index_number(entry.path().filename().string()));
    std::string name;
    do name = fmt::format("{}{}", kIndexPrefix, ++n);
    while (!fs::create_directory(dir / (name + ".build")));
    target = name;
    const fs::path build = dir / (name + ".build");
    Xapian::WritableDatabase w;
    try {
      // Not synced while it is built (nothing reads it yet); the compacted copy is.
      w = Xapian::WritableDatabase(build.string(),
                                   Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_NO_SYNC);
    } catch (const Xapian::DatabaseLockError& e) {
      return give_up(Error("search.busy", "", {{"detail", e.get_msg()}}));
    }
    // Read before the documents: whatever changes later is caught up afterwards.
    auto seq = SearchDocuments::last_seq(db);
    if (!seq) return give_up(seq.error());
    auto total = SearchDocuments::count_live(db);
    if (!total) return give_up(total.error());

    progress.update("search.rebuild", 0, *total);
    Xapian::TermGenerator tg = make_term_generator();
    std::unordered_set<std::string> added;  // a document changed during the scan comes twice
    // The recent changes this index already holds, so that the next catch_up
    // in this process does not apply them again.
    const std::string recent_since = utc_seconds_ago(kRecentSeconds + 60);
    std::set<std::int64_t> recent;
    std::size_t done = 0;
    auto count = SearchDocuments::each_live(db, [&](const DocumentChange& c) {
      if (c.changed_at >= recent_since) recent.insert(c.seq);
      std::string key = id_term(c.doc.id);
      try {
        if (added.insert(key).second)
          w.add_document(make_document(c.doc, tg));
        else
          w.replace_document(key, make_document(c.doc, tg));
      } catch (const Xapian::InvalidArgumentError& e) {
        spdlog::warn("search: document {} not indexed: {}", c.doc.id, e.get_msg());
      }
      if (++done % kRebuildFlush == 0) w.commit();
      if (done % 1000 == 0) progress.update("search.rebuild", done, std::max(done, *total));
    });
    if (!count) return give_up(count.error());
    w.set_metadata(kSeqKey, std::to_string(*seq));
    w.commit();
    w.close();
    // Compacted (full B-tree blocks): a third smaller, and searches read less.
    Xapian::Database(build.string()).compact((dir / target).string());
    sync_files(dir / target);
    fs::remove_all(build);

    long long ours = index_number(target);
    {
      // One rebuild at a time swaps the stub and removes older indexes
      // (threads or processes); a newer index made meanwhile stays current.
      SwapLock swap(dir);
      if (index_number(read_target(dir)) > ours || !fs::exists(dir / target / "iamglass"))
        return give_up(Error("search.busy", "", {{"detail", "a newer index is current"}}));
      write_stub(dir, target);
      // Older indexes go (a reader still on one keeps its open files until it
      // moves on); a newer one may be another rebuild in progress.
      for (const auto& entry : fs::directory_iterator(dir)) {
        long long k = any_index_number(entry.path().filename().string());
        if (k >= 0 && k < ours) {
          std::error_code ec;
          fs::remove_all(entry.path(), ec);
        }
      }
    }
    {
      std::lock_guard write_lock(impl_->write_mu);
      impl_->recent_applied = std::move(recent);
      impl_->recent_target = target;
    }
    {
      // Idle readers would keep the old index's files open until next used.
      std::lock_guard pool_lock(impl_->pool_mu);
      impl_->pool.clear();
    }
    progress.update("search.rebuild", done, std::max(done, *total));
    progress.finish("search.rebuild");
    return *count;
  } catch (const Xapian::Error& e) {
    return give_up(Error("search.failed", "", {{"detail", e.get_msg()}}));
  } catch (const std::exception& e) {
    return give_up(Error("search.failed", "", {{"detail", e.what()}}));
  }
}

std::int64_t SearchIndex::applied_seq() const {
  try {
    return impl_->with_reader([](Xapian::Database& db) { return seq_of(db); });
  } catch (...) {
    return 0;
  }
}

std::size_t SearchIndex::size() const {
  try {
    return impl_->with_reader(
        [](Xapian::Database& db) { return static_cast<std::size_t>(db.get_doccount()); });
  } catch (...) {
    return 0;
  }
}

Indexer::Indexer(SearchIndex& index, db::Database& db, std::function<void()> applied)
    : index_(index), db_(db), applied_(std::move(applied)) {
  thread_ = std::thread([this] { run(); });
}

Indexer::~Indexer() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Indexer::poke() {
  {
    std::lock_guard lock(mu_);
    poked_ = true;
  }
  cv_.notify_all();
}

void Indexer::run() {
  std::string last_error;
  auto last_warned = std::chrono::steady_clock::time_point{};
  std::unique_lock lock(mu_);
  while (!stop_) {
    poked_ = false;
    lock.unlock();
    std::string error;
    try {
      auto r = index_.catch_up(db_);
      if (r && *r > 0 && applied_) applied_();
      if (!r) {
        auto it = r.error().params.find("detail");
        error = r.error().key + (it != r.error().params.end() ? ": " + it->second : "");
      }
    } catch (const std::exception& e) {
      error = e.what();
    } catch (...) {
      error = "unknown error";
    }
    // The same failure every second is logged once a minute.
    auto now = std::chrono::steady_clock::now();
    if (!error.empty() && (error != last_error || now - last_warned > std::chrono::minutes(1))) {
      spdlog::warn("search: catching up the index failed: {}", error);
      last_warned = now;
    }
    last_error = std::move(error);
    lock.lock();
    cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_ || poked_; });
  }
}

}  // namespace yiwang::search
