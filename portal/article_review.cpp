#include "portal/article_review.hpp"

#include "workflow/module_process.hpp"

namespace yiwang::portal {

namespace {

long long article_of(const workflow::ServiceCall& call) {
  return workflow::id_variable(call, "article", "portal.review.no_article");
}

// The note of the reviewer who sent the article back.
std::string return_note(const nlohmann::json& variables) {
  auto decisions = variables.find("decisions");
  if (decisions == variables.end() || !decisions->is_object()) return {};
  for (const auto& [node, d] : decisions->items())
    if (d.is_object() && d.value("approved", true) == false) return d.value("opinion", "");
  return {};
}

}  // namespace

void register_review_steps(workflow::Engine& engine, ArticleStore& articles) {
  engine.register_handler("portal.article.publish",
                          [&articles](workflow::ServiceCall& call) -> Result<void> {
                            articles.approve(call.session, article_of(call), call.actor);
                            return {};
                          });
  engine.register_handler(
      "portal.article.return", [&articles](workflow::ServiceCall& call) -> Result<void> {
        articles.send_back(call.session, article_of(call), return_note(call.variables), call.actor);
        return {};
      });
}

Result<void> ArticleReview::install() {
  return workflow::deploy_default(engine_, kReviewProcess,
                                  share_dir_ / "data" / "processes" / "portal_article_review.bpmn",
                                  "portal.review.no_process");
}

Result<workflow::Instance> ArticleReview::submit(long long id, int expected_version,
                                                 const Editor& by) {
  auto article = articles_.get(id);
  if (!article) return std::unexpected(article.error());
  if (!*article) return fail("portal.article.not_found");
  const Article& a = **article;
  if (auto installed = install(); !installed) return std::unexpected(installed.error());
  auto organ = organs_.get(a.organ_id);
  if (!organ) return std::unexpected(organ.error());
  if (!*organ) return fail("portal.article.organ_invalid", "organ");
  const std::string& code = (*organ)->credit_code;
  workflow::Engine::StartInput start;
  start.process_key = std::string(kReviewProcess);
  start.business_key = "article:" + std::to_string(id);
  start.title = a.title;
  start.variables = {{"article", id},
                     {"version", a.version},
                     {"firstGroup", "role:" + std::string(kFirstReviewRole) + "@" + code},
                     {"secondGroup", "role:" + std::string(kSecondReviewRole) + "@" + code},
                     {"finalGroup", "role:" + std::string(kFinalReviewRole) + "@" + code}};
  ArticleStore* articles = &articles_;
  start.before_run = [articles, id, expected_version, by](soci::session& s, workflow::Instance& i) {
    // Read again inside the transaction: two clicks, or a save meanwhile.
    auto now = articles->get(s, id);
    if (!now || !*now) throw workflow::Fault(Error("portal.article.not_found"));
    const Article& cur = **now;
    if (cur.state == ArticleState::review) throw workflow::Fault(Error("portal.article.in_review"));
    if (cur.state == ArticleState::withdrawn)
      throw workflow::Fault(Error("portal.article.withdrawn"));
    if (cur.version != expected_version)
      throw workflow::Fault(
          Error("portal.article.changed", "", {{"version", std::to_string(cur.version)}}));
    if (cur.published_version == cur.version)
      throw workflow::Fault(Error("portal.article.nothing_to_review"));
    articles->start_review(s, id, i.id, by);
  };
  workflow::Actor actor;
  actor.account = by.account;
  actor.name = by.name;
  actor.audit = by.audit;
  return engine_.start(start, actor);
}

}  // namespace yiwang::portal
