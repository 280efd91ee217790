// The server-side SVG process diagram. Definitions are built by hand (nodes,
// flows, by_id, diagram) so these tests do not depend on the BPMN parser;
// the output is parsed back with pugixml to prove it is well-formed.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <pugixml.hpp>

#include "workflow/diagram_svg.hpp"

namespace yiwang::workflow {
namespace {

struct Builder {
  Definition d;

  std::size_t node(const std::string& id, NodeKind kind, const std::string& name = {}) {
    FlowNode n;
    n.id = id;
    n.name = name;
    n.kind = kind;
    d.nodes.push_back(std::move(n));
    d.by_id[id] = d.nodes.size() - 1;
    return d.nodes.size() - 1;
  }
  std::size_t flow(const std::string& id, std::size_t source, std::size_t target,
                   const std::string& name = {}) {
    SequenceFlow f;
    f.id = id;
    f.name = name;
    f.source = source;
    f.target = target;
    d.flows.push_back(std::move(f));
    std::size_t i = d.flows.size() - 1;
    d.nodes[source].outgoing.push_back(i);
    d.nodes[target].incoming.push_back(i);
    return i;
  }
  void shape(const std::string& id, Bounds b, std::optional<Bounds> label = {}) {
    d.diagram.shapes.push_back({id, b, label});
  }
  void edge(const std::string& id, std::vector<Point> points, std::optional<Bounds> label = {}) {
    d.diagram.edges.push_back({id, std::move(points), label});
  }
  std::size_t boundary(const std::string& id, std::size_t host, bool interrupting) {
    std::size_t i = node(id, NodeKind::boundary_timer, "催办");
    d.nodes[i].attached_to = d.nodes[host].id;
    d.nodes[i].cancel_activity = interrupting;
    d.nodes[host].boundaries.push_back(i);
    return i;
  }
};

struct Parsed {
  pugi::xml_document doc;
  pugi::xml_node svg;
};

// Parses; fails the test when the SVG is not well-formed.
std::unique_ptr<Parsed> parse(const std::string& svg) {
  auto p = std::make_unique<Parsed>();
  pugi::xml_parse_result r = p->doc.load_string(svg.c_str());
  EXPECT_TRUE(r) << r.description() << " at " << r.offset << ": "
                 << svg.substr(static_cast<std::size_t>(std::max<std::ptrdiff_t>(r.offset - 80, 0)),
                               160);
  p->svg = p->doc.child("svg");
  return p;
}

pugi::xml_node group(const Parsed& p, std::string_view id) {
  return p.doc.find_node([&](pugi::xml_node n) {
    return std::string_view(n.name()) == "g" && n.attribute("data-element-id") &&
           std::string_view(n.attribute("data-element-id").value()) == id;
  });
}

std::size_t count(pugi::xml_node n, const std::string& element) {
  return n.select_nodes((".//" + element).c_str()).size();
}

bool has_class(pugi::xml_node n, std::string_view cls) {
  std::istringstream in(n.attribute("class").value());
  std::string word;
  while (in >> word)
    if (word == cls) return true;
  return false;
}

pugi::xml_node marker(pugi::xml_node g, std::string_view cls) {
  return g.find_node([&](pugi::xml_node n) { return has_class(n, cls); });
}

std::string title(pugi::xml_node g) { return g.child("title").text().get(); }

std::vector<std::string> lines(pugi::xml_node g) {
  std::vector<std::string> out;
  for (auto x : g.select_nodes(".//tspan")) out.push_back(x.node().text().get());
  return out;
}

struct ViewBox {
  double x, y, w, h;
};
ViewBox view_box(const Parsed& p) {
  std::istringstream in(p.svg.attribute("viewBox").value());
  ViewBox v{};
  in >> v.x >> v.y >> v.w >> v.h;
  return v;
}

// A small approval process with diagram interchange.
Builder approval() {
  Builder b;
  auto s = b.node("start", NodeKind::start_event, "收到申请");
  auto t = b.node("review", NodeKind::user_task, "部门审核");
  auto g = b.node("gw", NodeKind::exclusive_gateway, "同意？");
  auto e = b.node("end", NodeKind::end_event, "结束");
  auto r = b.node("reject", NodeKind::end_event, "退回");
  b.d.nodes[r].terminate = true;
  b.flow("f1", s, t);
  b.flow("f2", t, g);
  b.flow("f3", g, e, "同意");
  auto f4 = b.flow("f4", g, r, "不同意");
  b.d.nodes[g].default_flow = f4;
  b.d.key = "approval";
  b.d.name = "审批流程";
  b.shape("start", {100, 100, 36, 36});
  b.shape("review", {190, 78, 100, 80});
  b.shape("gw", {340, 93, 50, 50}, Bounds{345, 60, 40, 14});
  b.shape("end", {440, 100, 36, 36});
  b.shape("reject", {440, 200, 36, 36});
  b.edge("f1", {{136, 118}, {190, 118}});
  b.edge("f2", {{290, 118}, {340, 118}});
  b.edge("f3", {{390, 118}, {440, 118}}, Bounds{400, 95, 28, 14});
  b.edge("f4", {{365, 143}, {365, 218}, {440, 218}});
  return b;
}

TEST(DiagramSvg, RootElementIsAnAccessibleImage) {
  Builder b = approval();
  DiagramMarks marks;
  marks.label = "审批流程（实例 42）";
  std::string svg = render_diagram_svg(b.d, marks);
  auto p = parse(svg);
  ASSERT_TRUE(p->svg);
  EXPECT_STREQ(p->svg.attribute("xmlns").value(), "http://www.w3.org/2000/svg");
  EXPECT_STREQ(p->svg.attribute("role").value(), "img");
  EXPECT_STREQ(p->svg.attribute("aria-label").value(), "审批流程（实例 42）");
  EXPECT_STREQ(p->svg.attribute("class").value(), "wf-diagram");
  EXPECT_STREQ(p->svg.first_child().name(), "title");
  EXPECT_STREQ(p->svg.child("title").text().get(), "审批流程（实例 42）");
  EXPECT_GT(p->svg.attribute("width").as_double(), 0);
  EXPECT_GT(p->svg.attribute("height").as_double(), 0);
  // Self-contained and CSP-proof: no stylesheet, no style attribute, no script.
  EXPECT_EQ(svg.find("<style"), std::string::npos);
  EXPECT_EQ(svg.find("style="), std::string::npos);
  EXPECT_EQ(svg.find("<script"), std::string::npos);

  // Without a label: the process name.
  auto q = parse(render_diagram_svg(b.d, {}));
  EXPECT_STREQ(q->svg.attribute("aria-label").value(), "审批流程");
}

TEST(DiagramSvg, EventsAndGatewaysUseTheirShapes) {
  Builder b = approval();
  auto p = parse(render_diagram_svg(b.d, {}));

  auto start = group(*p, "start");
  ASSERT_TRUE(start);
  EXPECT_TRUE(has_class(start, "wf-start-event"));
  ASSERT_EQ(count(start, "circle"), 1u);
  EXPECT_EQ(start.child("circle").attribute("stroke-width").as_double(), 2);
  EXPECT_EQ(title(start), "收到申请");

  auto end = group(*p, "end");
  ASSERT_EQ(count(end, "circle"), 1u);
  EXPECT_EQ(end.child("circle").attribute("stroke-width").as_double(), 4);

  auto terminate = group(*p, "reject");
  ASSERT_EQ(count(terminate, "circle"), 2u);
  auto inner = terminate.select_nodes(".//circle")[1].node();
  EXPECT_STRNE(inner.attribute("fill").value(), "none");
  EXPECT_STREQ(inner.attribute("fill").value(), inner.attribute("stroke").value());
  EXPECT_LT(inner.attribute("r").as_double(), 18);

  auto gw = group(*p, "gw");
  EXPECT_TRUE(has_class(gw, "wf-exclusive-gateway"));
  auto diamond = gw.child("polygon");
  ASSERT_TRUE(diamond);
  EXPECT_STREQ(diamond.attribute("points").value(), "365,93 390,118 365,143 340,118");
  auto x = marker(gw, "wf-marker-exclusive");
  ASSERT_TRUE(x);
  EXPECT_EQ(count(x, "line"), 2u);
}

TEST(DiagramSvg, EveryNodeKindIsDrawn) {
  Builder b;
  struct K {
    const char* id;
    NodeKind kind;
    const char* cls;
  };
  std::vector<K> kinds = {
      {"s", NodeKind::start_event, "wf-start-event"},
      {"u", NodeKind::user_task, "wf-user-task"},
      {"sv", NodeKind::service_task, "wf-service-task"},
      {"pg", NodeKind::parallel_gateway, "wf-parallel-gateway"},
      {"ig", NodeKind::inclusive_gateway, "wf-inclusive-gateway"},
      {"tc", NodeKind::timer_catch, "wf-timer-event"},
      {"mc", NodeKind::message_catch, "wf-message-event"},
      {"sc", NodeKind::signal_catch, "wf-signal-event"},
      {"ca", NodeKind::call_activity, "wf-call-activity"},
      {"mip", NodeKind::user_task, "wf-user-task"},
      {"mis", NodeKind::user_task, "wf-user-task"},
      {"e", NodeKind::end_event, "wf-end-event"},
  };
  double x = 0;
  for (const K& k : kinds) {
    b.node(k.id, k.kind, std::string("节点 ") + k.id);
    bool small = k.kind == NodeKind::start_event || k.kind == NodeKind::end_event ||
                 k.kind == NodeKind::timer_catch || k.kind == NodeKind::message_catch ||
                 k.kind == NodeKind::signal_catch;
    bool gateway = k.kind == NodeKind::parallel_gateway || k.kind == NodeKind::inclusive_gateway;
    b.shape(k.id, small     ? Bounds{x, 20, 36, 36}
                  : gateway ? Bounds{x, 13, 50, 50}
                            : Bounds{x, 0, 100, 80});
    x += 150;
  }
  b.d.nodes[b.d.by_id["mip"]].multi_instance = MultiInstance{};
  b.d.nodes[b.d.by_id["mis"]].multi_instance = MultiInstance{.sequential = true};
  auto interrupting = b.boundary("bt", b.d.by_id["u"], true);
  auto reminder = b.boundary("br", b.d.by_id["sv"], false);
  b.shape("bt", {232, 62, 36, 36});
  b.shape("br", {382, 62, 36, 36});
  (void)interrupting;
  (void)reminder;

  auto p = parse(render_diagram_svg(b.d, {}));
  for (const K& k : kinds) {
    auto g = group(*p, k.id);
    ASSERT_TRUE(g) << k.id;
    EXPECT_TRUE(has_class(g, k.cls)) << k.id;
    EXPECT_TRUE(has_class(g, "wf-element")) << k.id;
    EXPECT_EQ(title(g), std::string("节点 ") + k.id);
  }
  auto task_rect = [&](const char* id) { return group(*p, id).child("rect"); };
  EXPECT_EQ(task_rect("u").attribute("rx").as_double(), 10);
  EXPECT_EQ(task_rect("u").attribute("stroke-width").as_double(), 2);
  EXPECT_TRUE(marker(group(*p, "u"), "wf-marker-user"));
  EXPECT_FALSE(marker(group(*p, "u"), "wf-marker-service"));
  EXPECT_TRUE(marker(group(*p, "sv"), "wf-marker-service"));
  EXPECT_TRUE(marker(group(*p, "pg"), "wf-marker-parallel"));
  EXPECT_EQ(count(marker(group(*p, "pg"), "wf-marker-parallel"), "line"), 2u);
  EXPECT_TRUE(marker(group(*p, "ig"), "wf-marker-inclusive"));
  EXPECT_EQ(count(marker(group(*p, "ig"), "wf-marker-inclusive"), "circle"), 1u);

  // Intermediate events: double circle plus their glyph.
  EXPECT_TRUE(marker(group(*p, "tc"), "wf-marker-timer"));
  EXPECT_EQ(group(*p, "tc").select_nodes("circle").size(), 2u);
  EXPECT_TRUE(marker(group(*p, "mc"), "wf-marker-message"));
  EXPECT_EQ(group(*p, "mc").select_nodes("circle").size(), 2u);
  EXPECT_TRUE(marker(group(*p, "sc"), "wf-marker-signal"));

  // Call activity: thick border and the "+" box.
  EXPECT_EQ(task_rect("ca").attribute("stroke-width").as_double(), 4);
  EXPECT_TRUE(marker(group(*p, "ca"), "wf-marker-call"));

  // Multi-instance: three bars, vertical (parallel) or horizontal (sequential).
  auto par = marker(group(*p, "mip"), "wf-marker-parallel-mi");
  ASSERT_TRUE(par);
  ASSERT_EQ(count(par, "line"), 3u);
  for (auto l : par.select_nodes("line"))
    EXPECT_EQ(l.node().attribute("x1").as_double(), l.node().attribute("x2").as_double());
  auto seq = marker(group(*p, "mis"), "wf-marker-sequential-mi");
  ASSERT_TRUE(seq);
  ASSERT_EQ(count(seq, "line"), 3u);
  for (auto l : seq.select_nodes("line"))
    EXPECT_EQ(l.node().attribute("y1").as_double(), l.node().attribute("y2").as_double());
  EXPECT_FALSE(marker(group(*p, "u"), "wf-marker-parallel-mi"));

  // Boundary events: double circle with a clock; dashed when non-interrupting.
  auto bt = group(*p, "bt");
  ASSERT_TRUE(bt);
  EXPECT_TRUE(has_class(bt, "wf-boundary-event"));
  EXPECT_TRUE(marker(bt, "wf-marker-timer"));
  EXPECT_FALSE(bt.child("circle").attribute("stroke-dasharray"));
  auto br = group(*p, "br");
  ASSERT_TRUE(br);
  EXPECT_TRUE(br.child("circle").attribute("stroke-dasharray"));
  // Drawn after (above) the activities.
  std::string svg = render_diagram_svg(b.d, {});
  EXPECT_GT(svg.find("data-element-id=\"bt\""), svg.find("data-element-id=\"e\""));
}

TEST(DiagramSvg, FlowsArePolylinesWithOneArrowDefinition) {
  Builder b = approval();
  b.d.flows[b.d.nodes[b.d.by_id["review"]].outgoing[0]].condition = Expression{};
  // A second flow out of the task that is conditional: the small diamond.
  auto extra = b.node("late", NodeKind::end_event);
  b.shape("late", {240, 250, 36, 36});
  auto cf = b.flow("f5", b.d.by_id["review"], extra);
  b.d.flows[cf].condition = Expression{};
  b.edge("f5", {{240, 158}, {240, 250}});
  auto p = parse(render_diagram_svg(b.d, {}));

  EXPECT_EQ(p->svg.select_nodes("//marker[@id='wf-arrow']").size(), 1u);
  auto f4 = group(*p, "f4");
  ASSERT_TRUE(f4);
  EXPECT_TRUE(has_class(f4, "wf-flow"));
  auto line = f4.child("polyline");
  EXPECT_STREQ(line.attribute("points").value(), "365,143 365,218 440,218");
  EXPECT_STREQ(line.attribute("marker-end").value(), "url(#wf-arrow)");
  EXPECT_STREQ(line.attribute("fill").value(), "none");
  // Default flow: the slash; the other flow out of the gateway has none.
  EXPECT_TRUE(marker(f4, "wf-marker-default"));
  EXPECT_FALSE(marker(group(*p, "f3"), "wf-marker-default"));
  // Conditional flow out of an activity: the diamond; out of a gateway: nothing.
  EXPECT_TRUE(marker(group(*p, "f5"), "wf-marker-conditional"));
  EXPECT_TRUE(marker(group(*p, "f2"), "wf-marker-conditional"));
  EXPECT_FALSE(marker(group(*p, "f3"), "wf-marker-conditional"));
  // Flows first, so shapes are drawn over their ends.
  std::string svg = render_diagram_svg(b.d, {});
  EXPECT_LT(svg.find("data-element-id=\"f1\""), svg.find("data-element-id=\"start\""));
}

TEST(DiagramSvg, LabelsGoToTheirDiBoundsOrBelowTheShape) {
  Builder b = approval();
  auto p = parse(render_diagram_svg(b.d, {}));
  // Gateway label bounds {345, 60, 40, 14}: centred at x = 365, above the diamond.
  auto gw_text = group(*p, "gw").child("text");
  ASSERT_TRUE(gw_text);
  EXPECT_DOUBLE_EQ(gw_text.attribute("x").as_double(), 365);
  EXPECT_LT(gw_text.attribute("y").as_double(), 93);
  EXPECT_EQ(lines(group(*p, "gw")), std::vector<std::string>{"同意？"});
  // The start event has no label bounds: below the circle.
  auto start_text = group(*p, "start").child("text");
  ASSERT_TRUE(start_text);
  EXPECT_DOUBLE_EQ(start_text.attribute("x").as_double(), 118);
  EXPECT_GT(start_text.attribute("y").as_double(), 136);
  // Flow labels.
  auto f3 = group(*p, "f3").child("text");
  ASSERT_TRUE(f3);
  EXPECT_DOUBLE_EQ(f3.attribute("x").as_double(), 414);
  EXPECT_EQ(lines(group(*p, "f4")), std::vector<std::string>{"不同意"});
  // A task has its name inside.
  EXPECT_EQ(lines(group(*p, "review")), std::vector<std::string>{"部门审核"});
  auto task_text = group(*p, "review").child("text");
  EXPECT_DOUBLE_EQ(task_text.attribute("x").as_double(), 240);
}

TEST(DiagramSvg, ViewBoxCoversNegativeCoordinates) {
  Builder b;
  auto s = b.node("s", NodeKind::start_event, "开始");
  auto t = b.node("t", NodeKind::user_task, "办理");
  b.flow("f", s, t);
  b.shape("s", {-500, -300, 36, 36});
  b.shape("t", {-400, -322, 100, 80});
  b.edge("f", {{-464, -282}, {-400, -282}, {-400, 900}});
  auto p = parse(render_diagram_svg(b.d, {}));
  ViewBox v = view_box(*p);
  EXPECT_LE(v.x, -500);
  EXPECT_LE(v.y, -322);
  EXPECT_GE(v.x + v.w, -300);
  EXPECT_GE(v.y + v.h, 900);
  EXPECT_DOUBLE_EQ(p->svg.attribute("width").as_double(), std::ceil(v.w));
}

TEST(DiagramSvg, MarksGiveClassesAndChineseStateTitles) {
  Builder b = approval();
  DiagramMarks marks;
  marks.done = {"start", "f1"};
  marks.current = {"review"};
  auto p = parse(render_diagram_svg(b.d, marks));

  auto review = group(*p, "review");
  EXPECT_TRUE(has_class(review, "wf-current"));
  EXPECT_FALSE(has_class(review, "wf-done"));
  EXPECT_EQ(title(review), "部门审核（当前）");
  auto rect = review.child("rect");
  EXPECT_STREQ(rect.attribute("stroke").value(), "#1a73e8");
  EXPECT_STREQ(rect.attribute("fill").value(), "#e8f0fe");
  EXPECT_EQ(rect.attribute("stroke-width").as_double(), 3);

  auto start = group(*p, "start");
  EXPECT_TRUE(has_class(start, "wf-done"));
  EXPECT_EQ(title(start), "收到申请（已完成）");
  EXPECT_STREQ(start.child("circle").attribute("stroke").value(), "#188038");
  EXPECT_TRUE(marker(start, "wf-badge-done"));

  auto f1 = group(*p, "f1");
  EXPECT_TRUE(has_class(f1, "wf-done"));
  EXPECT_EQ(title(f1), "f1（已完成）");  // no name: the id
  EXPECT_STREQ(f1.child("polyline").attribute("marker-end").value(), "url(#wf-arrow-done)");
  EXPECT_EQ(p->svg.select_nodes("//marker[@id='wf-arrow-done']").size(), 1u);

  auto end = group(*p, "end");
  EXPECT_FALSE(has_class(end, "wf-done"));
  EXPECT_FALSE(has_class(end, "wf-current"));
  EXPECT_EQ(title(end), "结束");
  EXPECT_STREQ(end.child("circle").attribute("stroke").value(), "#3c4043");

  // The description names where the instance stands.
  EXPECT_EQ(std::string(p->svg.child("desc").text().get()), "当前：部门审核。");
}

TEST(DiagramSvg, OverdueCurrentElementIsRed) {
  Builder b = approval();
  DiagramMarks marks;
  marks.current = {"review"};
  marks.overdue = {"review"};
  auto p = parse(render_diagram_svg(b.d, marks));
  auto review = group(*p, "review");
  EXPECT_TRUE(has_class(review, "wf-current"));
  EXPECT_TRUE(has_class(review, "wf-overdue"));
  EXPECT_EQ(title(review), "部门审核（当前，已超期）");
  auto rect = review.child("rect");
  EXPECT_STREQ(rect.attribute("stroke").value(), "#d93025");
  EXPECT_STREQ(rect.attribute("fill").value(), "#fce8e6");
  EXPECT_TRUE(marker(review, "wf-badge-overdue"));
  // The glyph follows the state colour too.
  auto user = marker(review, "wf-marker-user");
  EXPECT_STREQ(user.child("circle").attribute("stroke").value(), "#d93025");
  EXPECT_EQ(std::string(p->svg.child("desc").text().get()), "当前：部门审核。已超期：部门审核。");
}

// Every attribute name in the document (to catch injected ones).
void attribute_names(pugi::xml_node n, std::set<std::string>& out) {
  for (auto a : n.attributes()) out.insert(a.name());
  for (auto c : n.children()) attribute_names(c, out);
}

TEST(DiagramSvg, HostileTextIsInert) {
  Builder b;
  const std::string evil_id = "a\"onload=\"alert(1)\"><script>x</script>";
  const std::string evil_name = "<script>alert(1)</script>\"onload=\"alert(2)\" '&amp;";
  auto s = b.node(evil_id, NodeKind::start_event, evil_name);
  auto t = b.node("t", NodeKind::user_task, evil_name);
  auto g = b.node("g", NodeKind::inclusive_gateway, "<img src=x onerror=alert(3)>");
  b.node("ctl", NodeKind::service_task, std::string("bad\x01\x1f\xff\xfe utf8\xe4\xb8"));
  b.flow("f\"><script>", s, t, "</text><script>alert(4)</script>");
  b.flow("f2", t, g);
  b.d.name = "</title><script>alert(5)</script>";
  DiagramMarks marks;
  marks.current = {evil_id};
  auto svg = render_diagram_svg(b.d, marks);

  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_EQ(svg.find("<img"), std::string::npos);
  EXPECT_EQ(svg.find("\"onload"), std::string::npos);
  auto p = parse(svg);
  ASSERT_TRUE(p->svg);
  std::set<std::string> names;
  attribute_names(p->doc, names);
  for (const auto& n : names) EXPECT_FALSE(n.starts_with("on")) << n;
  EXPECT_EQ(p->doc.select_nodes("//script").size(), 0u);
  // The text round-trips as text.
  auto start = group(*p, evil_id);
  ASSERT_TRUE(start);
  EXPECT_EQ(title(start), evil_name + "（当前）");
  EXPECT_STREQ(p->svg.attribute("aria-label").value(), "</title><script>alert(5)</script>");
  ASSERT_TRUE(group(*p, "f\"><script>"));
  // Control characters dropped, broken UTF-8 replaced.
  EXPECT_EQ(title(group(*p, "ctl")), "bad\xef\xbf\xbd\xef\xbf\xbd utf8\xef\xbf\xbd\xef\xbf\xbd");
}

TEST(DiagramSvg, WrapsChineseTextPerCharacter) {
  Builder b;
  auto s = b.node("short", NodeKind::service_task, "对申请材料进行形式审查并登记");  // 14 chars
  auto l = b.node("long", NodeKind::service_task,
                  "对申请人提交的全部申请材料进行形式审查、实质审查并出具书面审查意见书");
  b.shape("short", {0, 0, 100, 80});
  b.shape("long", {200, 0, 100, 80});
  (void)s;
  (void)l;
  auto p = parse(render_diagram_svg(b.d, {}));

  // 90px of text width: 7 characters of 12px a line.
  auto short_lines = lines(group(*p, "short"));
  EXPECT_EQ(short_lines, (std::vector<std::string>{"对申请材料进行", "形式审查并登记"}));

  auto long_lines = lines(group(*p, "long"));
  ASSERT_EQ(long_lines.size(), 3u);  // what fits under the gear
  EXPECT_EQ(long_lines[0], "对申请人提交的");
  EXPECT_EQ(long_lines[1], "全部申请材料进");
  EXPECT_EQ(long_lines[2], "行形式审查、…");
  // The whole name stays in the title.
  EXPECT_EQ(title(group(*p, "long")),
            "对申请人提交的全部申请材料进行形式审查、实质审查并出具书面审查意见书");
}

TEST(DiagramSvg, WrapsLatinTextPerWord) {
  Builder b;
  b.node("en", NodeKind::call_activity, "Review the application documents");
  b.node("word", NodeKind::call_activity, "Supercalifragilisticexpialidocious");
  b.node("many", NodeKind::call_activity,
         "Check every single one of the many supporting documents the applicant submitted");
  b.shape("en", {0, 0, 100, 80});
  b.shape("word", {200, 0, 100, 80});
  b.shape("many", {400, 0, 100, 80});
  auto p = parse(render_diagram_svg(b.d, {}));

  // 7px a character: 12 characters a line; words are not broken. Three lines
  // fit above the "+" box of a call activity.
  EXPECT_EQ(lines(group(*p, "en")),
            (std::vector<std::string>{"Review the", "application", "documents"}));
  auto word = lines(group(*p, "word"));
  ASSERT_EQ(word.size(), 3u);
  EXPECT_EQ(word[0], "Supercalifra");
  std::string joined;
  for (const auto& x : word) joined += x;
  EXPECT_EQ(joined, "Supercalifragilisticexpialidocious");
  auto many = lines(group(*p, "many"));
  ASSERT_EQ(many.size(), 3u);
  EXPECT_TRUE(many.back().ends_with("…")) << many.back();
}

TEST(DiagramSvg, LaysOutAutomaticallyWithoutDi) {
  Builder b;
  auto s = b.node("start", NodeKind::start_event, "开始");
  auto t1 = b.node("fill", NodeKind::user_task, "填报");
  auto split = b.node("split", NodeKind::parallel_gateway);
  auto a = b.node("a", NodeKind::user_task, "财务审核");
  auto c = b.node("c", NodeKind::service_task, "归档");
  auto join = b.node("join", NodeKind::parallel_gateway);
  auto check = b.node("check", NodeKind::exclusive_gateway, "通过？");
  auto e = b.node("end", NodeKind::end_event, "结束");
  auto esc = b.node("escalate", NodeKind::user_task, "督办");
  auto bt = b.boundary("timer", a, false);
  b.flow("f1", s, t1);
  b.flow("f2", t1, split);
  b.flow("f3", split, a);
  b.flow("f4", split, c);
  b.flow("f5", a, join);
  b.flow("f6", c, join);
  b.flow("f7", join, check);
  b.flow("f8", check, e, "是");
  b.flow("back", check, t1, "否");  // a loop back
  b.flow("f9", bt, esc);
  b.flow("f10", esc, join);

  std::string svg = render_diagram_svg(b.d, {});
  EXPECT_EQ(svg, render_diagram_svg(b.d, {}));  // deterministic
  auto p = parse(svg);
  for (const auto& n : b.d.nodes) EXPECT_TRUE(group(*p, n.id)) << n.id;
  for (const auto& f : b.d.flows) {
    auto g = group(*p, f.id);
    ASSERT_TRUE(g) << f.id;
    EXPECT_TRUE(g.child("polyline")) << f.id;
  }

  auto cx = [&](const char* id) {
    auto g = group(*p, id);
    if (auto r = g.child("rect")) return r.attribute("x").as_double() + 50;
    if (auto ci = g.child("circle")) return ci.attribute("cx").as_double();
    std::istringstream in(g.child("polygon").attribute("points").value());
    double x;
    in >> x;
    return x;
  };
  // Layers by longest path, 150 apart.
  EXPECT_DOUBLE_EQ(cx("fill") - cx("start"), 150);
  EXPECT_DOUBLE_EQ(cx("split") - cx("fill"), 150);
  EXPECT_DOUBLE_EQ(cx("a"), cx("c"));
  EXPECT_DOUBLE_EQ(cx("escalate") - cx("a"), 150);
  EXPECT_DOUBLE_EQ(cx("join") - cx("escalate"), 150);  // longest path, not shortest
  EXPECT_GT(cx("end"), cx("check"));
  // The two branches stacked 110 apart.
  auto top = [&](const char* id) { return group(*p, id).child("rect").attribute("y").as_double(); };
  EXPECT_DOUBLE_EQ(std::abs(top("a") - top("c")), 110);
  // The boundary event sits on the bottom edge of its task.
  auto timer = group(*p, "timer").child("circle");
  auto task = group(*p, "a").child("rect");
  EXPECT_DOUBLE_EQ(timer.attribute("cy").as_double(),
                   task.attribute("y").as_double() + task.attribute("height").as_double());
  EXPECT_TRUE(timer.attribute("stroke-dasharray"));
  // The loop goes back underneath, entering the task from below.
  std::istringstream in(group(*p, "back").child("polyline").attribute("points").value());
  std::vector<std::string> pts;
  for (std::string w; in >> w;) pts.push_back(w);
  ASSERT_EQ(pts.size(), 4u);
  // Orthogonal segments.
  for (const auto& f : b.d.flows) {
    std::istringstream ps(group(*p, f.id).child("polyline").attribute("points").value());
    std::vector<std::pair<double, double>> xy;
    for (std::string w; ps >> w;) {
      auto comma = w.find(',');
      xy.push_back({std::stod(w.substr(0, comma)), std::stod(w.substr(comma + 1))});
    }
    for (std::size_t k = 1; k < xy.size(); ++k)
      EXPECT_TRUE(xy[k].first == xy[k - 1].first || xy[k].second == xy[k - 1].second) << f.id;
  }
}

TEST(DiagramSvg, LongFlowsGoAroundTheNodesTheySkip) {
  // gw → sign → office and gw → office directly: the direct flow must not
  // cross the sign task drawn in the layer between.
  Builder b;
  auto s = b.node("start", NodeKind::start_event);
  auto gw = b.node("gw", NodeKind::exclusive_gateway, "是否需要会签");
  auto sign = b.node("sign", NodeKind::user_task, "会签");
  auto office = b.node("office", NodeKind::user_task, "办公室核稿");
  b.flow("f1", s, gw);
  b.flow("need", gw, sign, "需要会签");
  auto skip = b.flow("skip", gw, office, "不需会签");
  b.flow("f3", sign, office);
  b.d.nodes[gw].default_flow = skip;
  auto p = parse(render_diagram_svg(b.d, {}));

  auto rect = group(*p, "sign").child("rect");
  double x0 = rect.attribute("x").as_double(), y0 = rect.attribute("y").as_double();
  double x1 = x0 + rect.attribute("width").as_double();
  double y1 = y0 + rect.attribute("height").as_double();
  std::istringstream in(group(*p, "skip").child("polyline").attribute("points").value());
  std::vector<std::pair<double, double>> xy;
  for (std::string w; in >> w;) {
    auto comma = w.find(',');
    xy.push_back({std::stod(w.substr(0, comma)), std::stod(w.substr(comma + 1))});
  }
  ASSERT_GE(xy.size(), 2u);
  for (std::size_t k = 1; k < xy.size(); ++k) {
    // Orthogonal segments: one crosses the box when its span overlaps on both axes.
    double ax = std::min(xy[k - 1].first, xy[k].first), bx = std::max(xy[k - 1].first, xy[k].first);
    double ay = std::min(xy[k - 1].second, xy[k].second);
    double by = std::max(xy[k - 1].second, xy[k].second);
    EXPECT_FALSE(ax < x1 && bx > x0 && ay < y1 && by > y0) << "segment " << k;
  }
  EXPECT_TRUE(marker(group(*p, "skip"), "wf-marker-default"));
}

TEST(DiagramSvg, AutomaticLayoutScalesToTheUpstreamBound) {
  Builder b;
  b.node("n0", NodeKind::start_event);
  for (int i = 1; i < 2000; ++i) {
    b.node("n" + std::to_string(i), i % 7 == 0 ? NodeKind::exclusive_gateway : NodeKind::user_task,
           "步骤" + std::to_string(i));
    b.flow("f" + std::to_string(i), i - 1, i);
    if (i % 7 == 0) b.flow("b" + std::to_string(i), i, i / 2);  // back edges
  }
  std::string svg = render_diagram_svg(b.d, {});
  EXPECT_LT(svg.size(), 8u * 1024 * 1024);
  auto p = parse(svg);
  EXPECT_TRUE(group(*p, "n1999"));
  EXPECT_EQ(p->doc.select_nodes("//g[@data-element-id]").size(),
            b.d.nodes.size() + b.d.flows.size());
}

TEST(DiagramSvg, ElementsMissingFromDiAreSkipped) {
  Builder b = approval();
  auto lost = b.node("lost", NodeKind::user_task, "未画出");
  b.flow("to_lost", b.d.by_id["review"], lost);
  // A flow whose DI edge is missing, between two drawn nodes: a straight line.
  b.d.diagram.edges.erase(b.d.diagram.edges.begin());  // f1
  // DI of things the model does not know is ignored.
  b.shape("Lane_1", {0, 0, 600, 300});
  auto p = parse(render_diagram_svg(b.d, {}));
  EXPECT_FALSE(group(*p, "lost"));
  EXPECT_FALSE(group(*p, "to_lost"));
  EXPECT_FALSE(group(*p, "Lane_1"));
  auto f1 = group(*p, "f1");
  ASSERT_TRUE(f1);
  EXPECT_STREQ(f1.child("polyline").attribute("points").value(), "136,118 190,118");
}

TEST(DiagramSvg, SurvivesBrokenInput) {
  // Empty definition.
  auto p = parse(render_diagram_svg(Definition{}, {}));
  ASSERT_TRUE(p->svg);
  EXPECT_TRUE(p->svg.attribute("viewBox"));
  EXPECT_STREQ(p->svg.child("title").text().get(), "流程图");
  EXPECT_EQ(p->doc.select_nodes("//g").size(), 0u);

  // Indexes out of range, no by_id, NaN and huge coordinates, one-point edges.
  Builder b;
  auto s = b.node("s", NodeKind::start_event);
  b.flow("ok", s, s);
  b.d.flows.push_back({"bad", "", 7, 99, std::nullopt});
  b.d.nodes[s].default_flow = 42;
  b.d.by_id.clear();
  b.shape("s", {std::nan(""), 1e300, -5, std::numeric_limits<double>::infinity()});
  b.edge("ok", {{0, 0}});
  auto q = parse(render_diagram_svg(b.d, {}));
  EXPECT_TRUE(group(*q, "s"));
  EXPECT_EQ(std::string(q->svg.attribute("viewBox").value()).find("nan"), std::string::npos);
  EXPECT_EQ(std::string(q->svg.attribute("viewBox").value()).find("inf"), std::string::npos);
  b.d.diagram = {};
  EXPECT_TRUE(parse(render_diagram_svg(b.d, {}))->svg);  // auto layout of the same
}

TEST(DiagramSvg, XmllintAcceptsTheOutput) {
  if (std::system("command -v xmllint >/dev/null 2>&1") != 0) GTEST_SKIP() << "no xmllint";
  Builder b = approval();
  b.d.nodes[1].name = "<b>&\"'审核\"</b>";
  DiagramMarks marks;
  marks.current = {"review"};
  marks.overdue = {"review"};
  marks.done = {"start", "f1"};
  auto path = std::filesystem::temp_directory_path() /
              ("wf-diagram-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
               "-" + std::to_string(reinterpret_cast<std::uintptr_t>(&b)) + ".svg");
  {
    std::ofstream out(path);
    out << render_diagram_svg(b.d, marks);
  }
  int rc = std::system(("xmllint --noout '" + path.string() + "'").c_str());
  std::filesystem::remove(path);
  EXPECT_EQ(rc, 0);
}

}  // namespace
}  // namespace yiwang::workflow
