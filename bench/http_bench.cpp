// Functions on the request path: form parsing, route matching, page
// rendering from templates (what a page-cache miss costs).
#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include "http/form_data.hpp"
#include "http/router.hpp"
#include "render/catalogue.hpp"
#include "render/templates.hpp"

#ifndef YIWANG_SHARE_DIR_BENCH
#define YIWANG_SHARE_DIR_BENCH "."
#endif

using namespace yiwang;

static void BM_ParseUrlencoded(benchmark::State& state) {
  std::string body;
  for (int i = 0; i < 20; ++i)
    body += "field" + std::to_string(i) + "=%E6%94%BF%E5%8A%A1%E6%9C%8D%E5%8A%A1+value&";
  http::Limits limits;
  for (auto _ : state) benchmark::DoNotOptimize(http::parse_urlencoded(body, limits));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_ParseUrlencoded);

static void BM_RouterMatch(benchmark::State& state) {
  http::Router router;
  auto h = [](http::Request&) { return http::Response::text(""); };
  for (int i = 0; i < 50; ++i)
    router.add({.method = "GET",
                .pattern = "/section" + std::to_string(i) + "/{id}",
                .zone = http::Zone::internet,
                .permission = "public",
                .handler = h});
  router.add({.method = "GET",
              .pattern = "/",
              .zone = http::Zone::internet,
              .permission = "public",
              .handler = h});
  for (auto _ : state) {
    benchmark::DoNotOptimize(router.match(http::Zone::internet, "GET", "/"));
    benchmark::DoNotOptimize(router.match(http::Zone::internet, "GET", "/section42/1001"));
  }
}
BENCHMARK(BM_RouterMatch);

static void BM_RenderErrorPageInLayout(benchmark::State& state) {
  auto catalogue = render::Catalogue::load(std::string(YIWANG_SHARE_DIR_BENCH) + "/web/i18n");
  auto templates =
      render::Templates::load(std::string(YIWANG_SHARE_DIR_BENCH) + "/web/templates", *catalogue);
  nlohmann::json model = {{"status", 404},
                          {"message", "页面不存在"},
                          {"status_title", "页面不存在"},
                          {"request_id", "0123456789abcdef"},
                          {"site", {{"name", "示范市人民政府门户网站"}, {"code", "1234000001"}}},
                          {"other_lang", {{"url", "/?lang=en"}, {"label", "English"}}}};
  for (auto _ : state)
    benchmark::DoNotOptimize(
        templates.value()->render_page("layouts/portal", "errors/error", model, "zh-CN"));
}
BENCHMARK(BM_RenderErrorPageInLayout);
