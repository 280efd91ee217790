#include "services/ratings.hpp"

#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "core/text_rules.hpp"
#include "db/dialect.hpp"
#include "db/prepared.hpp"
#include "db/row_value.hpp"
#include "services/case_error.hpp"

namespace yiwang::services {

namespace {

const char* const kColumns =
    "id, case_id, case_number, organ_id, overall, efficiency, accuracy, convenience, usability, "
    "comment, rater, rated_at, rectification_instance";

std::optional<Rating> load(soci::session& s, long long case_id) {
  std::optional<Rating> out;
  db::query(
      s, std::string("SELECT ") + kColumns + " FROM svc_ratings WHERE case_id = :c",
      [&](const soci::row& r) {
        Rating x;
        x.id = db::row_int64(r, 0);
        x.case_id = db::row_int64(r, 1);
        x.case_number = r.get<std::string>(2);
        x.organ_id = db::row_int64(r, 3);
        for (std::size_t i = 0; i < x.scores.size(); ++i)
          x.scores[i] = static_cast<int>(db::row_int64(r, 4 + i));
        x.comment = r.get<std::string>(9);
        x.rater = r.get<std::string>(10);
        x.rated_at = r.get<std::string>(11);
        x.rectification_instance = db::row_int64(r, 12);
        out = std::move(x);
      },
      case_id);
  return out;
}

}  // namespace

std::vector<db::Migration> Ratings::migrations() {
  return {{"ratings", 1, "ratings of cases (好差评)", R"SQL(
CREATE TABLE svc_ratings (
  id ${id},
  case_id BIGINT NOT NULL UNIQUE REFERENCES svc_cases (id),
  case_number TEXT NOT NULL,
  organ_id BIGINT NOT NULL,
  overall INTEGER NOT NULL,
  efficiency INTEGER NOT NULL,
  accuracy INTEGER NOT NULL,
  convenience INTEGER NOT NULL,
  usability INTEGER NOT NULL,
  comment TEXT NOT NULL,
  rater TEXT NOT NULL,
  rated_at TEXT NOT NULL,
  rectification_instance BIGINT NOT NULL
);
CREATE INDEX svc_ratings_organ ON svc_ratings (organ_id, overall);
)SQL"}};
}

Result<void> Ratings::install() {
  std::ifstream in(share_dir_ / "data" / "processes" / "services_rectification.bpmn",
                   std::ios::binary);
  if (!in) return std::unexpected(Error("services.rating.no_process"));
  std::stringstream xml;
  xml << in.rdbuf();
  workflow::Actor system;
  system.account = "system";
  system.name = "system";
  system.audit.account = "system";
  system.audit.organ = "-";
  system.audit.source = "migrate";
  auto deployed = engine_.deploy(xml.str(), system);
  if (!deployed) return std::unexpected(deployed.error());
  return {};
}

Result<Rating> Ratings::rate(std::string_view number, const http::FormData& posted,
                             const Applicant& a) {
  Rating rating;
  std::vector<Error> problems;
  for (std::size_t i = 0; i < kRatingCriteria.size(); ++i) {
    std::string field(kRatingCriteria[i]);
    std::string v = core::trim_text(posted.value(field));
    if (v.size() != 1 || v[0] < '1' || v[0] > '5')
      return std::unexpected(Error("services.rating.score", field));
    rating.scores[i] = v[0] - '0';
  }
  auto comment = core::check_text(posted.value("comment"), "comment", kMaxRatingComment, false);
  if (!comment) return std::unexpected(comment.error());
  rating.comment = *comment;
  auto found = cases_.find(number);
  if (!found) return std::unexpected(found.error());
  if (!*found || (*found)->applicant != a.account)
    return std::unexpected(
        Error("services.case.not_found", "case", {{"number", std::string(number)}}));
  const CaseRecord c = **found;
  if (c.state != CaseState::completed && c.state != CaseState::delivered)
    return std::unexpected(Error("services.rating.not_open", "case"));
  auto stored = db::guarded([&]() -> Result<Rating> {
    return db_.transaction([&](soci::session& s) -> Result<Rating> {
      try {
        std::string detail = "★" + std::to_string(rating.overall());
        cases_.rate(s, c.number, detail, a.account);
        std::string at = db::utc_now();
        db::execute(s,
                    "INSERT INTO svc_ratings (case_id, case_number, organ_id, overall, "
                    "efficiency, accuracy, convenience, usability, comment, rater, rated_at, "
                    "rectification_instance) VALUES (:c, :n, :o, :s1, :s2, :s3, :s4, :s5, :m, "
                    ":r, :t, 0)",
                    c.id, c.number, c.organ_id, rating.scores[0], rating.scores[1],
                    rating.scores[2], rating.scores[3], rating.scores[4], rating.comment, a.account,
                    at);
        cases_.archive(s, c.number, a.account);
        audit::AuditEvent e = a.audit;
        e.account = a.account;
        e.event = "services.case.rated";
        e.object = "case:" + c.number;
        e.detail = detail;
        audit::AuditLog::record(s, e);
      } catch (const CaseError& e) {
        return std::unexpected(e.error);
      }
      return *load(s, c.id);
    });
  });
  if (!stored) return std::unexpected(stored.error());
  rating = std::move(*stored);
  if (rating.overall() > kBadRating) return rating;
  // 差评: the organ's rectification task. The rating stands even if the task
  // cannot be opened (the process or the role is missing): that is logged
  // and audited for the administrators.
  auto organ = organs_.get(c.organ_id);
  std::string code = organ && *organ ? (*organ)->credit_code : "";
  workflow::Engine::StartInput start;
  start.process_key = std::string(kRectificationProcess);
  start.business_key = c.number;
  start.title = "差评整改：" + c.item_name + "（" + c.number + "，★" +
                std::to_string(rating.overall()) + "）";
  start.variables = {{"case", c.number},
                     {"rating", rating.scores},
                     {"comment", rating.comment},
                     {"rectifyGroup", "role:" + std::string(kRectificationRole) + "@" + code}};
  long long rating_id = rating.id;
  start.before_run = [rating_id](soci::session& s, workflow::Instance& i) {
    db::execute(s, "UPDATE svc_ratings SET rectification_instance = :i WHERE id = :r", i.id,
                rating_id);
  };
  workflow::Actor actor;
  actor.account = a.account;
  actor.name = a.name;
  actor.audit = a.audit;
  actor.on_behalf = true;
  if (auto installed = install(); !installed) {
    spdlog::error("case {}: the rectification process cannot be deployed: {}", c.number,
                  installed.error().key);
    return rating;
  }
  auto started = engine_.start(start, actor);
  if (!started) {
    spdlog::error("case {}: the rectification of a bad rating could not start: {}", c.number,
                  started.error().key);
    return rating;
  }
  rating.rectification_instance = started->id;
  return rating;
}

Result<std::optional<Rating>> Ratings::of_case(long long case_id) {
  return db::guarded([&]() -> Result<std::optional<Rating>> {
    auto s = db_.acquire();
    return load(*s, case_id);
  });
}

}  // namespace yiwang::services
