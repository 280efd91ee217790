// The site search (search/): indexing rate and query latency on a corpus of
// generated Chinese government articles.
//
// N articles (100 000; YIWANG_BENCH_ARTICLES overrides) are made from a few
// hundred common government words and phrases with a seeded RNG, so every
// run indexes the same text: titles of 10–30 characters, bodies of 300–1500,
// 20 columns, 30 organs, years 2015–2026, a 发文字号 on 30 %. They are written
// to the search outbox (SQLite, 1000 per transaction), then indexed once by
// SearchIndex::rebuild into a temporary directory; BM_Index reports the time
// and rate. BM_Search/L then runs 2000 queries of L characters (2, 3, 4, 6)
// built from the same vocabulary, each a full search as the portal makes it
// (page 1 of 10, facets, snippets), and prints p50 and p99 of the latencies.
//
//   build/h-bench/bench/search_bench
//   YIWANG_BENCH_ARTICLES=20000 build/h-bench/bench/search_bench --benchmark_filter=Search/2
//
// YIWANG_BENCH_KEEP=1 keeps the temporary directory (its path is printed at
// exit).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/progress.hpp"
#include "db/database.hpp"
#include "db/migration.hpp"
#include "search/search_documents.hpp"
#include "search/search_index.hpp"

using namespace yiwang;

namespace {

// Common words of government texts, 2 to 8 characters.
const std::vector<std::string> kWords = {
    "政务",           "公开",     "服务",     "营商",     "环境",     "优化",
    "改革",           "创新",     "发展",     "经济",     "社会",     "民生",
    "保障",           "就业",     "教育",     "医疗",     "卫生",     "健康",
    "养老",           "住房",     "交通",     "出行",     "生态",     "环保",
    "污染",           "防治",     "安全",     "生产",     "应急",     "管理",
    "监督",           "检查",     "执法",     "审批",     "许可",     "备案",
    "登记",           "注册",     "企业",     "开办",     "税收",     "减税",
    "降费",           "财政",     "预算",     "资金",     "项目",     "建设",
    "投资",           "招标",     "采购",     "合同",     "乡村",     "振兴",
    "农业",           "农村",     "农民",     "帮扶",     "巩固",     "拓展",
    "城市",           "更新",     "规划",     "土地",     "自然资源", "水利",
    "防汛",           "抗旱",     "气象",     "科技",     "人才",     "引进",
    "培训",           "文化",     "旅游",     "体育",     "疾病",     "防控",
    "疫苗",           "接种",     "社保",     "医保",     "参保",     "缴费",
    "退休",           "待遇",     "工资",     "劳动",     "关系",     "仲裁",
    "信访",           "投诉",     "举报",     "咨询",     "热线",     "数字政府",
    "一网通办",       "政务服务", "便民",     "利民",     "惠民",     "政策",
    "解读",           "通知",     "意见",     "办法",     "规定",     "条例",
    "方案",           "实施",     "细则",     "决定",     "公告",     "通报",
    "批复",           "报告",     "统计",     "数据",     "调查",     "监测",
    "分析",           "指标",     "增长",     "同比",     "环比",     "国民经济",
    "居民",           "收入",     "消费",     "价格",     "市场",     "监管",
    "食品",           "药品",     "质量",     "标准",     "计量",     "知识产权",
    "专利",           "商标",     "金融",     "风险",     "防范",     "化解",
    "债务",           "地方",     "政府",     "人民",     "代表",     "大会",
    "常务",           "会议",     "研究",     "部署",     "推进",     "落实",
    "加强",           "完善",     "健全",     "提升",     "提高",     "加快",
    "促进",           "深化",     "全面",     "进一步",   "切实",     "积极",
    "稳妥",           "有序",     "扎实",     "持续",     "重点",     "任务",
    "目标",           "责任",     "考核",     "评估",     "督查",     "整改",
    "问题",           "举措",     "成效",     "经验",     "做法",     "典型",
    "示范",           "试点",     "推广",     "基层",     "社区",     "街道",
    "乡镇",           "村民",     "委员会",   "组织",     "干部",     "队伍",
    "作风",           "纪律",     "法治",     "依法",     "行政",     "复议",
    "诉讼",           "公平",     "竞争",     "审查",     "信用",     "体系",
    "失信",           "惩戒",     "守信",     "激励",     "营业执照", "电子证照",
    "数据共享",       "信息化",   "平台",     "系统",     "网络",     "个人信息",
    "隐私",           "档案",     "保密",     "应急预案", "演练",     "消防",
    "燃气",           "电力",     "供水",     "供热",     "道路",     "桥梁",
    "公共",           "设施",     "学校",     "幼儿园",   "义务教育", "高中",
    "职业",           "高校",     "毕业生",   "创业",     "补贴",     "申请",
    "条件",           "材料",     "流程",     "时限",     "窗口",     "受理",
    "办结",           "承诺",     "延期",     "变更",     "注销",     "年度",
    "季度",           "上半年",   "工作",     "总结",     "计划",     "安排",
    "要求",           "各区",     "各部门",   "各单位",   "市政府",   "办公厅",
    "产业",           "园区",     "制造业",   "数字经济", "新能源",   "碳达峰",
    "碳中和",         "节能",     "减排",     "绿色",     "低碳",     "森林",
    "湿地",           "河长制",   "水环境",   "大气",     "空气质量", "垃圾分类",
    "物业",           "老旧小区", "改造",     "租赁",     "公积金",   "住房保障",
    "外资",           "外贸",     "进出口",   "口岸",     "自贸区",   "开放",
    "合作",           "区域",     "协调",     "一体化",   "人口",     "户籍",
    "居住证",         "婚姻",     "殡葬",     "残疾人",   "儿童",     "妇女",
    "老年人",         "救助",     "低保",     "特困",     "慈善",     "志愿",
    "服务中心",       "政务大厅", "网上办理", "掌上办理", "跨省通办", "好差评",
    "满意度",         "办事指南", "证明事项", "告知承诺", "容缺受理", "并联审批",
    "联合验收",       "施工许可", "不动产",   "登记中心", "市场主体", "个体工商户",
    "小微企业",       "融资",     "担保",     "贷款",     "普惠",     "科创",
    "研发",           "成果转化", "高新技术", "专精特新", "人工智能", "新型基础设施",
    "第五代移动通信", "公共卫生", "医疗机构", "分级诊疗", "家庭医生", "中医药",
    "药品采购",       "集中带量", "医疗救助", "长期护理", "学前教育", "课后服务",
    "双减",           "职业教育", "高等教育", "招生",     "考试",     "食品安全",
    "安全生产",       "隐患排查", "专项整治", "打击",     "违法",     "犯罪",
    "平安",           "治理",     "网格化",   "矛盾纠纷", "调解"};

const std::vector<std::string> kKinds = {"通知", "意见", "办法", "规定", "实施方案", "工作方案",
                                         "公告", "通报", "批复", "报告", "解读",     "决定"};

const std::vector<std::string> kColumns = {
    "政策文件", "政策解读", "工作动态", "通知公告", "部门动态", "基层动态", "新闻发布",
    "规划计划", "财政信息", "统计信息", "人事信息", "重点领域", "建议提案", "政府会议",
    "领导活动", "专题专栏", "应急管理", "公示公告", "招标采购", "政务督查"};

const std::vector<std::string> kOrgans = {"市人民政府",
                                          "市政府办公室",
                                          "市发展改革委",
                                          "市教育局",
                                          "市科技局",
                                          "市工业和信息化局",
                                          "市公安局",
                                          "市民政局",
                                          "市司法局",
                                          "市财政局",
                                          "市人力资源社会保障局",
                                          "市自然资源局",
                                          "市生态环境局",
                                          "市住房城乡建设局",
                                          "市交通运输局",
                                          "市水务局",
                                          "市农业农村局",
                                          "市商务局",
                                          "市文化和旅游局",
                                          "市卫生健康委",
                                          "市应急管理局",
                                          "市审计局",
                                          "市市场监管局",
                                          "市统计局",
                                          "市医疗保障局",
                                          "市政务服务管理局",
                                          "市大数据局",
                                          "市税务局",
                                          "市退役军人事务局",
                                          "市信访局"};

const std::vector<std::string> kOrganAbbreviations = {"市政发", "市政办发", "市发改", "市教发",
                                                      "市财预", "市人社发", "市环发", "市卫健发"};

const std::vector<std::string> kKindCodes = {"article", "policy", "interpretation", "guide",
                                             "answer"};

std::size_t chars(const std::string& utf8) {
  std::size_t n = 0;
  for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;
  return n;
}

// At most `max` characters of UTF-8 text.
std::string cut_chars(const std::string& text, std::size_t max) {
  std::size_t count = 0, i = 0;
  for (; i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && count++ == max) break;
  return text.substr(0, i);
}

template <class T>
const T& pick(std::mt19937_64& rng, const std::vector<T>& from) {
  return from[rng() % from.size()];
}

std::size_t between(std::mt19937_64& rng, std::size_t lo, std::size_t hi) {
  return lo + rng() % (hi - lo + 1);
}

// A sentence of 4–12 words with commas, ended by 。.
std::string sentence(std::mt19937_64& rng) {
  std::string s;
  std::size_t words = between(rng, 4, 12);
  for (std::size_t i = 0; i < words; ++i) {
    s += pick(rng, kWords);
    if (i + 1 < words && rng() % 4 == 0) s += "，";
  }
  return s + "。";
}

search::Document article(std::mt19937_64& rng, std::size_t n) {
  search::Document d;
  d.id = fmt::format("article:{}", n);
  d.kind = pick(rng, kKindCodes);
  std::size_t title_len = between(rng, 10, 30);
  std::string title = "关于";
  while (chars(title) + 2 < title_len) title += pick(rng, kWords);
  title += "的" + pick(rng, kKinds);
  d.title = cut_chars(title, title_len);
  std::size_t body_len = between(rng, 300, 1500);
  while (chars(d.body) < body_len) d.body += sentence(rng);
  d.body = cut_chars(d.body, body_len);
  d.url = fmt::format("/articles/{}", n);
  d.column = pick(rng, kColumns);
  d.organ = pick(rng, kOrgans);
  int year = static_cast<int>(between(rng, 2015, 2026));
  d.published_at =
      fmt::format("{}-{:02}-{:02}T08:00:00Z", year, between(rng, 1, 12), between(rng, 1, 28));
  if (rng() % 10 < 3)
    d.doc_number =
        fmt::format("{}〔{}〕{}号", pick(rng, kOrganAbbreviations), year, between(rng, 1, 300));
  for (std::size_t k = between(rng, 0, 3); k > 0; --k) d.keywords.push_back(pick(rng, kWords));
  return d;
}

// Queries of exactly `length` characters: one to three vocabulary words.
std::vector<std::string> queries(std::size_t length, std::size_t count) {
  std::mt19937_64 rng{1000 + length};
  std::vector<std::string> out;
  while (out.size() < count) {
    std::string q;
    while (chars(q) < length) q += pick(rng, kWords);
    if (chars(q) == length) out.push_back(q);
  }
  return out;
}

std::size_t article_count() {
  if (const char* n = std::getenv("YIWANG_BENCH_ARTICLES"); n && *n) return std::stoul(n);
  return 100000;
}

template <class T>
T must(Result<T> r, const char* what) {
  if (!r) {
    auto it = r.error().params.find("detail");
    throw std::runtime_error(fmt::format("{}: {} {}", what, r.error().key,
                                         it == r.error().params.end() ? "" : it->second));
  }
  return std::move(*r);
}

// The corpus, written and indexed once for all benchmarks.
class World {
 public:
  World() {
    spdlog::set_level(spdlog::level::warn);
    dir_ = std::filesystem::temp_directory_path() /
           fmt::format("yiwang-search-bench-{}", std::random_device{}());
    std::filesystem::create_directories(dir_);
    db::Options o;
    o.url = "sqlite:" + (dir_ / "yiwang.db").string();
    db_ = must(db::Database::open(o), "database");
    db::Migrator m(*db_);
    m.add(search::SearchDocuments::migrations());
    NoProgress quiet;
    must(m.apply(quiet), "migrations");

    articles_ = article_count();
    std::mt19937_64 rng{20260101};
    auto t0 = std::chrono::steady_clock::now();
    for (std::size_t done = 0; done < articles_;) {
      std::vector<search::Document> batch;
      for (; batch.size() < 1000 && done < articles_; ++done) batch.push_back(article(rng, done));
      for (const auto& d : batch) text_bytes_ += d.title.size() + d.body.size();
      db_->transaction([&](soci::session& s) {
        for (const auto& d : batch) search::SearchDocuments::put(s, d);
      });
    }
    auto t1 = std::chrono::steady_clock::now();
    index_ = must(search::SearchIndex::open(dir_ / "search"), "open index");
    std::size_t indexed = must(index_->rebuild(*db_, quiet), "rebuild");
    auto t2 = std::chrono::steady_clock::now();
    if (indexed != articles_) throw std::runtime_error("not every article was indexed");
    fill_seconds_ = std::chrono::duration<double>(t1 - t0).count();
    index_seconds_ = std::chrono::duration<double>(t2 - t1).count();
    std::uintmax_t bytes = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir_ / "search"))
      if (e.is_regular_file()) bytes += e.file_size();
    index_bytes_ = bytes;
    std::printf(
        "search corpus: %zu articles, %.1f MB of text; outbox written in %.1f s; indexed in %.1f "
        "s (%.0f articles/s), index %.1f MB\n",
        articles_, text_bytes_ / 1e6, fill_seconds_, index_seconds_, articles_ / index_seconds_,
        index_bytes_ / 1e6);
    std::fflush(stdout);
  }
  ~World() {
    index_.reset();
    db_.reset();
    if (const char* keep = std::getenv("YIWANG_BENCH_KEEP"); keep && std::string(keep) == "1") {
      std::fprintf(stderr, "kept %s\n", dir_.c_str());
      return;
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  search::SearchIndex& index() { return *index_; }
  std::size_t articles() const { return articles_; }
  double fill_seconds() const { return fill_seconds_; }
  double index_seconds() const { return index_seconds_; }
  double index_bytes() const { return static_cast<double>(index_bytes_); }
  double text_bytes() const { return static_cast<double>(text_bytes_); }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<search::SearchIndex> index_;
  std::size_t articles_ = 0;
  std::size_t text_bytes_ = 0;
  std::uintmax_t index_bytes_ = 0;
  double fill_seconds_ = 0, index_seconds_ = 0;
};

World& world() {
  static World w;
  return w;
}

// The corpus is indexed once, before the first iteration; this reports it.
void BM_Index(benchmark::State& state) {
  World& w = world();
  for (auto _ : state) benchmark::DoNotOptimize(w.articles());
  state.counters["articles"] = static_cast<double>(w.articles());
  state.counters["index_s"] = w.index_seconds();
  state.counters["articles_per_s"] = w.articles() / w.index_seconds();
  state.counters["text_MB_per_s"] = w.text_bytes() / 1e6 / w.index_seconds();
  state.counters["index_MB"] = w.index_bytes() / 1e6;
  state.counters["outbox_s"] = w.fill_seconds();
}
BENCHMARK(BM_Index)->Iterations(1)->Unit(benchmark::kSecond);

// One search of state.range(0) characters per iteration; p50/p99 in µs.
void BM_Search(benchmark::State& state) {
  World& w = world();
  const std::size_t length = static_cast<std::size_t>(state.range(0));
  const std::vector<std::string> texts = queries(length, 2000);
  std::vector<double> micros;
  micros.reserve(texts.size());
  std::size_t i = 0;
  double hits = 0;
  for (auto _ : state) {
    search::SearchQuery q;
    q.text = texts[i++ % texts.size()];
    auto t0 = std::chrono::steady_clock::now();
    auto r = w.index().search(q);
    auto t1 = std::chrono::steady_clock::now();
    if (!r) {
      state.SkipWithError(r.error().key.c_str());
      return;
    }
    hits += static_cast<double>(r->total);
    micros.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  std::sort(micros.begin(), micros.end());
  auto at = [&](double p) {
    return micros[std::min(micros.size() - 1, static_cast<std::size_t>(p * micros.size()))];
  };
  double p50 = at(0.50), p99 = at(0.99);
  state.counters["p50_us"] = p50;
  state.counters["p99_us"] = p99;
  state.counters["avg_total"] = hits / static_cast<double>(micros.size());
  state.SetItemsProcessed(state.iterations());
  std::printf(
      "search %zu characters: %zu queries, p50 %.0f µs, p99 %.0f µs, %.0f matches on average\n",
      length, micros.size(), p50, p99, hits / static_cast<double>(micros.size()));
  std::fflush(stdout);
}
BENCHMARK(BM_Search)->Arg(2)->Arg(3)->Arg(4)->Arg(6)->Iterations(2000)->Unit(
    benchmark::kMicrosecond);

}  // namespace
