// The process diagram as a self-contained SVG: presentation attributes only
// (no <style>, no style="" — the site's Content-Security-Policy has
// style-src 'self', which would drop both when the SVG is inlined in a page),
// so it looks the same inlined in HTML and served as image/svg+xml.
//
// Notation follows BPMN 2.0 as bpmn-js draws it, simplified:
//   events    circles: start thin, end thick, terminate end with a filled
//             inner circle, intermediate and boundary double, a
//             non-interrupting boundary dashed; clock / envelope / triangle
//             inside timer / message / signal events;
//   tasks     rounded rectangles with the name wrapped inside, a person (user
//             task) or gear (service task) at the top left, three bars at the
//             bottom for multi-instance (vertical: parallel, horizontal:
//             sequential), a "+" box and thick border for call activities;
//   gateways  diamonds with X (exclusive), + (parallel), O (inclusive);
//   flows     polylines with an arrowhead, a slash near the source of a
//             default flow, a small diamond at the source of a conditional
//             flow leaving an activity.
//
// Coordinates come from the diagram interchange (DI). Choices:
//   - An element of the model without a DI shape is not drawn (a modeller
//     that left it out of the diagram did so on purpose, and placing it
//     automatically among hand-placed shapes would overlap them). A flow
//     without a DI edge whose two ends are drawn gets a straight line
//     between them; DI shapes and edges of elements the model does not know
//     (lanes, annotations…) are ignored.
//   - With no DI shapes at all, every node is laid out automatically: layers
//     by longest path from the start (back edges found by a depth-first
//     search ignored), layer → x, position in the layer → y, boundary events
//     on the bottom edge of their activity, flows as orthogonal polylines.
//
// Text: names are cleaned (invalid UTF-8 replaced, control characters
// dropped, length capped) and XML-escaped, ids in attributes too. Widths are
// estimated without font metrics: a CJK character is one em wide (12px at
// font-size 12), any other about 7/12 em.
#include "workflow/diagram_svg.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/text_rules.hpp"

namespace yiwang::workflow {
namespace {

// ---------------------------------------------------------------- constants

constexpr double kMargin = 20;
constexpr double kCoordLimit = 1e7;          // DI coordinates are clamped to ±this
constexpr std::size_t kMaxWaypoints = 1000;  // per edge; the rest is dropped
constexpr std::size_t kMaxTitleChars = 200;  // <title> text, in characters
constexpr std::size_t kMaxWrapChars = 400;   // text considered for wrapping
constexpr std::size_t kMaxIdChars = 200;     // ids written in attributes
constexpr std::size_t kMaxDescNames = 20;    // names listed in <desc>

constexpr double kTaskFont = 12;
constexpr double kLabelFont = 11;
constexpr double kLineHeight = 1.25;  // × font size

// Automatic layout.
constexpr double kLayerSpacing = 150;
constexpr double kSlotSpacing = 110;
constexpr double kTaskWidth = 100, kTaskHeight = 80;
constexpr double kEventSize = 36;
constexpr double kGatewaySize = 50;
constexpr double kLabelWidth = 90;

// Colours; all of them at least 4.5:1 on white (and on their own fill).
constexpr const char* kInk = "#3c4043";   // strokes of unmarked elements
constexpr const char* kText = "#202124";  // all text
constexpr const char* kPaper = "#ffffff";
constexpr const char* kFont =
    "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif";

enum class State { normal, done, current, overdue };

struct Style {
  const char* stroke;
  const char* fill;
  bool emphasis;  // current or overdue: thicker strokes
};

Style style_of(State s) {
  switch (s) {
    case State::normal:
      return {kInk, kPaper, false};
    case State::done:
      return {"#188038", "#e6f4ea", false};
    case State::current:
      return {"#1a73e8", "#e8f0fe", true};
    case State::overdue:
      return {"#d93025", "#fce8e6", true};
  }
  return {kInk, kPaper, false};
}

const char* arrow_id(State s) {
  switch (s) {
    case State::normal:
      return "wf-arrow";
    case State::done:
      return "wf-arrow-done";
    case State::current:
      return "wf-arrow-current";
    case State::overdue:
      return "wf-arrow-overdue";
  }
  return "wf-arrow";
}

// ------------------------------------------------------------------ numbers

double finite(double v) {
  if (!std::isfinite(v)) return 0;
  return std::clamp(v, -kCoordLimit, kCoordLimit);
}

// A coordinate rounded to 0.1, locale-independent, without a trailing ".0".
std::string num(double v) {
  v = std::round(finite(v) * 10) / 10;
  if (v == 0) v = 0;  // no "-0"
  char buf[48];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 1);
  std::string s(buf, res.ptr);
  if (s.size() > 2 && s.ends_with(".0")) s.resize(s.size() - 2);
  return s;
}

// -------------------------------------------------------------------- text

// The next code point of UTF-8 text, or nullopt for an invalid sequence (i
// then advances one byte).
std::optional<char32_t> next_code_point(std::string_view s, std::size_t& i) {
  auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  int len = 0;
  char32_t cp = 0;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    len = 2;
    cp = b0 & 0x1f;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    len = 3;
    cp = b0 & 0x0f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    len = 4;
    cp = b0 & 0x07;
  } else {
    ++i;
    return std::nullopt;
  }
  if (i + len > s.size()) {
    ++i;
    return std::nullopt;
  }
  for (int k = 1; k < len; ++k) {
    auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xc0) != 0x80) {
      ++i;
      return std::nullopt;
    }
    cp = (cp << 6) | (b & 0x3f);
  }
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
    ++i;
    return std::nullopt;
  }
  i += len;
  return cp;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

std::string to_utf8(std::u32string_view text) {
  std::string out;
  out.reserve(text.size() * 3);
  for (char32_t c : text) append_utf8(out, c);
  return out;
}

// Text that can go into XML: invalid UTF-8 becomes U+FFFD, tabs and line
// breaks become spaces, other control characters and non-characters are
// dropped; at most max_chars characters (the last one "…" when cut).
std::u32string clean(std::string_view text, std::size_t max_chars) {
  std::u32string out;
  std::size_t i = 0;
  while (i < text.size()) {
    char32_t c = next_code_point(text, i).value_or(0xfffd);
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0xfffe || c == 0xffff) continue;
    if (out.size() == max_chars) {
      out.back() = U'…';
      break;
    }
    out += c;
  }
  return out;
}

std::string escaped(std::string_view text, std::size_t max_chars) {
  return core::xml_escape(to_utf8(clean(text, max_chars)));
}

bool is_wide(char32_t c) {
  return (c >= 0x1100 && c <= 0x115f) || c == 0x2026 || (c >= 0x2e80 && c <= 0xa4cf) ||
         (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
         (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
         (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1faff) ||
         (c >= 0x20000 && c <= 0x3fffd);
}

bool is_space(char32_t c) { return c == ' ' || c == 0x3000 || c == 0xa0; }

// Punctuation that must not begin a line (it stays on the previous one, even
// a little past the width).
bool is_closing(char32_t c) {
  static constexpr std::u32string_view kClosing = U"，。、；：？！）》」』】〕〉”’…,.;:!?)";
  return kClosing.find(c) != std::u32string_view::npos;
}

double char_width(char32_t c, double font) { return is_wide(c) ? font : font * 7 / 12; }

double text_width(std::u32string_view text, double font) {
  double w = 0;
  for (char32_t c : text) w += char_width(c, font);
  return w;
}

// Greedy line breaking: CJK text may break between any two characters, other
// text between words (a word longer than the line is broken per character).
// More than max_lines lines: the last one kept ends with "…".
std::vector<std::u32string> wrap(std::u32string_view text, double max_width, int max_lines,
                                 double font) {
  max_lines = std::max(max_lines, 1);
  std::vector<std::u32string> lines;
  std::u32string line;
  double width = 0;
  bool pending_space = false;
  bool overflow = !text.empty() && text.back() == U'…' && text.size() >= kMaxWrapChars;
  auto push = [&] {
    lines.push_back(std::move(line));
    line.clear();
    width = 0;
  };
  std::size_t i = 0;
  while (i < text.size()) {
    if (static_cast<int>(lines.size()) > max_lines) break;
    char32_t c = text[i];
    if (is_space(c)) {
      pending_space = !line.empty();
      ++i;
      continue;
    }
    std::size_t j = i + 1;
    if (!is_wide(c))
      while (j < text.size() && !is_space(text[j]) && !is_wide(text[j])) ++j;
    std::u32string_view token = text.substr(i, j - i);
    i = j;
    double tw = text_width(token, font);
    double sw = pending_space && !line.empty() ? char_width(' ', font) : 0;
    pending_space = false;
    if (!line.empty() && (width + sw + tw <= max_width || is_closing(token.front()))) {
      if (sw > 0) line += U' ';
      line += token;
      width += sw + tw;
      continue;
    }
    if (!line.empty()) push();
    if (tw <= max_width) {
      line = token;
      width = tw;
      continue;
    }
    for (char32_t ch : token) {
      double cw = char_width(ch, font);
      if (!line.empty() && width + cw > max_width) push();
      line += ch;
      width += cw;
    }
  }
  if (!line.empty()) push();
  if (static_cast<int>(lines.size()) > max_lines) {
    lines.resize(max_lines);
    overflow = true;
  }
  if (overflow && !lines.empty()) {
    std::u32string& last = lines.back();
    if (!last.empty() && last.back() == U'…') last.pop_back();
    double ew = char_width(U'…', font);
    while (!last.empty() && (text_width(last, font) + ew > max_width || is_space(last.back())))
      last.pop_back();
    last += U'…';
  }
  return lines;
}

// ------------------------------------------------------------------ geometry

struct Box {
  double min_x = std::numeric_limits<double>::infinity();
  double min_y = std::numeric_limits<double>::infinity();
  double max_x = -std::numeric_limits<double>::infinity();
  double max_y = -std::numeric_limits<double>::infinity();

  void add(double x, double y) {
    min_x = std::min(min_x, x);
    min_y = std::min(min_y, y);
    max_x = std::max(max_x, x);
    max_y = std::max(max_y, y);
  }
  void add(const Bounds& b) {
    add(b.x, b.y);
    add(b.x + b.width, b.y + b.height);
  }
  bool empty() const { return min_x > max_x; }
};

Bounds sane(const Bounds& b) {
  return {finite(b.x), finite(b.y), std::clamp(finite(b.width), 0.0, kCoordLimit),
          std::clamp(finite(b.height), 0.0, kCoordLimit)};
}

Point center(const Bounds& b) { return {b.x + b.width / 2, b.y + b.height / 2}; }

// Where the ray from the centre of b towards p leaves b.
Point border_towards(const Bounds& b, Point p) {
  Point c = center(b);
  double dx = p.x - c.x, dy = p.y - c.y;
  if (dx == 0 && dy == 0) return c;
  double tx = dx != 0 ? (b.width / 2) / std::abs(dx) : std::numeric_limits<double>::infinity();
  double ty = dy != 0 ? (b.height / 2) / std::abs(dy) : std::numeric_limits<double>::infinity();
  double t = std::min({tx, ty, 1.0});
  return {c.x + dx * t, c.y + dy * t};
}

enum class Family { event, activity, gateway };

Family family_of(NodeKind k) {
  switch (k) {
    case NodeKind::start_event:
    case NodeKind::end_event:
    case NodeKind::timer_catch:
    case NodeKind::message_catch:
    case NodeKind::signal_catch:
    case NodeKind::boundary_timer:
      return Family::event;
    case NodeKind::user_task:
    case NodeKind::service_task:
    case NodeKind::call_activity:
      return Family::activity;
    case NodeKind::exclusive_gateway:
    case NodeKind::parallel_gateway:
    case NodeKind::inclusive_gateway:
      return Family::gateway;
  }
  return Family::activity;
}

const char* kind_class(NodeKind k) {
  switch (k) {
    case NodeKind::start_event:
      return "wf-start-event";
    case NodeKind::end_event:
      return "wf-end-event";
    case NodeKind::user_task:
      return "wf-user-task";
    case NodeKind::service_task:
      return "wf-service-task";
    case NodeKind::exclusive_gateway:
      return "wf-exclusive-gateway";
    case NodeKind::parallel_gateway:
      return "wf-parallel-gateway";
    case NodeKind::inclusive_gateway:
      return "wf-inclusive-gateway";
    case NodeKind::timer_catch:
      return "wf-timer-event";
    case NodeKind::message_catch:
      return "wf-message-event";
    case NodeKind::signal_catch:
      return "wf-signal-event";
    case NodeKind::call_activity:
      return "wf-call-activity";
    case NodeKind::boundary_timer:
      return "wf-boundary-event";
  }
  return "wf-node";
}

// Where everything is drawn.
struct Geometry {
  std::vector<std::optional<Bounds>> node;        // by node index
  std::vector<std::optional<Bounds>> node_label;  // DI label bounds
  std::vector<std::vector<Point>> flow;           // by flow index; empty: not drawn
  std::vector<std::optional<Bounds>> flow_label;
  bool automatic = false;  // laid out here: labels are placed exactly
};

bool valid_flow(const Definition& d, const SequenceFlow& f) {
  return f.source < d.nodes.size() && f.target < d.nodes.size();
}

Geometry from_di(const Definition& d) {
  Geometry g;
  g.node.resize(d.nodes.size());
  g.node_label.resize(d.nodes.size());
  g.flow.resize(d.flows.size());
  g.flow_label.resize(d.flows.size());

  // Own indexes (first element with an id wins), so a hand-built definition
  // without by_id draws too.
  std::map<std::string_view, std::size_t, std::less<>> nodes, flows;
  for (std::size_t i = 0; i < d.nodes.size(); ++i) nodes.emplace(d.nodes[i].id, i);
  for (std::size_t i = 0; i < d.flows.size(); ++i) flows.emplace(d.flows[i].id, i);

  for (const DiagramShape& s : d.diagram.shapes) {
    auto it = nodes.find(s.element);
    if (it == nodes.end() || g.node[it->second]) continue;
    g.node[it->second] = sane(s.bounds);
    if (s.label) g.node_label[it->second] = sane(*s.label);
  }
  for (const DiagramEdge& e : d.diagram.edges) {
    auto it = flows.find(e.element);
    if (it == flows.end() || !g.flow[it->second].empty() || e.waypoints.size() < 2) continue;
    auto& points = g.flow[it->second];
    std::size_t n = std::min(e.waypoints.size(), kMaxWaypoints);
    for (std::size_t k = 0; k < n; ++k)
      points.push_back({finite(e.waypoints[k].x), finite(e.waypoints[k].y)});
    if (e.label) g.flow_label[it->second] = sane(*e.label);
  }
  // A flow the DI forgot, between two drawn nodes: a straight line.
  for (std::size_t i = 0; i < d.flows.size(); ++i) {
    const SequenceFlow& f = d.flows[i];
    if (!g.flow[i].empty() || !valid_flow(d, f) || !g.node[f.source] || !g.node[f.target]) continue;
    if (f.source == f.target) continue;
    const Bounds& s = *g.node[f.source];
    const Bounds& t = *g.node[f.target];
    g.flow[i] = {border_towards(s, center(t)), border_towards(t, center(s))};
  }
  return g;
}

// ------------------------------------------------------------ auto layout

Geometry auto_layout(const Definition& d) {
  const std::size_t n = d.nodes.size();
  Geometry g;
  g.node.resize(n);
  g.node_label.resize(n);
  g.flow.resize(d.flows.size());
  g.flow_label.resize(d.flows.size());
  if (n == 0) return g;

  std::map<std::string_view, std::size_t, std::less<>> ids;
  for (std::size_t i = 0; i < n; ++i) ids.emplace(d.nodes[i].id, i);

  // A boundary event with a known host is placed on it and does not take
  // part in the layering: its flows count as flows out of the host.
  constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
  std::vector<std::size_t> host(n, kNone);
  for (std::size_t i = 0; i < n; ++i) {
    const FlowNode& node = d.nodes[i];
    if (node.kind != NodeKind::boundary_timer) continue;
    auto it = ids.find(node.attached_to);
    if (it != ids.end() && it->second != i && d.nodes[it->second].kind != NodeKind::boundary_timer)
      host[i] = it->second;
  }
  auto rep = [&](std::size_t i) { return host[i] == kNone ? i : host[i]; };

  struct Arc {
    std::size_t to;
    std::size_t flow;
  };
  std::vector<std::vector<Arc>> out(n);
  std::vector<int> in_degree(n, 0);
  for (std::size_t f = 0; f < d.flows.size(); ++f) {
    const SequenceFlow& flow = d.flows[f];
    if (!valid_flow(d, flow)) continue;
    std::size_t s = rep(flow.source), t = rep(flow.target);
    if (s == t) continue;
    out[s].push_back({t, f});
    ++in_degree[t];
  }

  // Iterative depth-first search: preorder numbers, postorder, back edges.
  std::vector<int> colour(n, 0);  // 0 unseen, 1 on the stack, 2 done
  std::vector<std::size_t> pre(n, 0), post;
  std::vector<bool> back(d.flows.size(), false);
  post.reserve(n);
  std::size_t counter = 0;
  auto dfs = [&](std::size_t root) {
    if (colour[root] != 0 || host[root] != kNone) return;
    std::vector<std::pair<std::size_t, std::size_t>> stack{{root, 0}};
    colour[root] = 1;
    pre[root] = counter++;
    while (!stack.empty()) {
      auto& [v, next] = stack.back();
      if (next == out[v].size()) {
        colour[v] = 2;
        post.push_back(v);
        stack.pop_back();
        continue;
      }
      const Arc arc = out[v][next++];
      if (colour[arc.to] == 1) {
        back[arc.flow] = true;
      } else if (colour[arc.to] == 0) {
        colour[arc.to] = 1;
        pre[arc.to] = counter++;
        stack.push_back({arc.to, 0});
      }
    }
  };
  if (d.start < n) dfs(d.start);
  for (std::size_t i = 0; i < n; ++i)
    if (in_degree[i] == 0) dfs(i);
  for (std::size_t i = 0; i < n; ++i) dfs(i);

  // Longest path over the forward edges, in topological order.
  std::vector<std::size_t> layer(n, 0);
  std::size_t layers = 0;
  for (auto it = post.rbegin(); it != post.rend(); ++it) {
    for (const Arc& arc : out[*it])
      if (!back[arc.flow]) layer[arc.to] = std::max(layer[arc.to], layer[*it] + 1);
    layers = std::max(layers, layer[*it] + 1);
  }

  // A flow spanning several layers gets a waypoint (a virtual node, index
  // n + k) in every layer it crosses, which takes a slot there like a node,
  // so the line runs between the nodes instead of through them. Bounded, so
  // a pathological graph cannot make the layout quadratic.
  std::vector<std::size_t> vlayer(layer);  // layer of every node, real or virtual
  std::vector<std::size_t> vpre(pre);      // discovery order, virtual: the source's
  std::vector<std::vector<std::size_t>> chain(d.flows.size());  // virtual nodes of a flow
  // (predecessor, extra dy): a flow from a boundary event counts from the
  // host's bottom edge, so escalation paths go below.
  std::vector<std::vector<std::pair<std::size_t, double>>> preds(n);
  std::size_t budget = 20 * n + 1000;
  for (std::size_t f = 0; f < d.flows.size(); ++f) {
    const SequenceFlow& flow = d.flows[f];
    if (!valid_flow(d, flow) || back[f]) continue;
    std::size_t s = rep(flow.source), t = rep(flow.target);
    if (s == t) continue;
    double dy = host[flow.source] != kNone ? kTaskHeight / 2 : 0.0;
    std::size_t prev = s, span = layer[t] - layer[s];
    if (span > 1 && span - 1 <= budget) {
      budget -= span - 1;
      for (std::size_t l = layer[s] + 1; l < layer[t]; ++l) {
        std::size_t v = vlayer.size();
        vlayer.push_back(l);
        vpre.push_back(pre[s]);
        preds.push_back({{prev, dy}});
        chain[f].push_back(v);
        prev = v;
        dy = 0;
      }
    }
    preds[t].push_back({prev, dy});
  }
  const std::size_t total = vlayer.size();

  // Order within a layer: by the mean height of the predecessors, then by
  // discovery (nodes before flow waypoints).
  std::vector<std::vector<std::size_t>> by_layer(layers);
  for (std::size_t v : post) by_layer[layer[v]].push_back(v);
  for (std::size_t v = n; v < total; ++v) by_layer[vlayer[v]].push_back(v);
  std::vector<double> cy(total, 0), cx(total, 0);
  for (std::size_t l = 0; l < layers; ++l) {
    auto& members = by_layer[l];
    std::vector<double> key(members.size(), 0);
    for (std::size_t k = 0; k < members.size(); ++k) {
      const auto& p = preds[members[k]];
      if (p.empty()) continue;
      double sum = 0;
      for (const auto& [s, dy] : p) sum += cy[s] + dy;
      key[k] = sum / static_cast<double>(p.size());
    }
    std::vector<std::size_t> order(members.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      if (key[a] != key[b]) return key[a] < key[b];
      std::size_t va = members[a], vb = members[b];
      if ((va >= n) != (vb >= n)) return vb >= n;
      if (vpre[va] != vpre[vb]) return vpre[va] < vpre[vb];
      return va < vb;
    });
    double mid = (static_cast<double>(members.size()) - 1) / 2;
    for (std::size_t slot = 0; slot < order.size(); ++slot) {
      std::size_t v = members[order[slot]];
      cx[v] = static_cast<double>(l) * kLayerSpacing;
      cy[v] = (static_cast<double>(slot) - mid) * kSlotSpacing;
    }
  }

  auto size_of = [&](std::size_t i) -> std::pair<double, double> {
    switch (family_of(d.nodes[i].kind)) {
      case Family::event:
        return {kEventSize, kEventSize};
      case Family::gateway:
        return {kGatewaySize, kGatewaySize};
      case Family::activity:
        return {kTaskWidth, kTaskHeight};
    }
    return {kTaskWidth, kTaskHeight};
  };
  for (std::size_t i = 0; i < n; ++i) {
    if (host[i] != kNone) continue;
    auto [w, h] = size_of(i);
    g.node[i] = Bounds{cx[i] - w / 2, cy[i] - h / 2, w, h};
  }
  // Boundary events spread along the bottom edge of the host (one: near the
  // right corner), each name to the right of the line leaving it downwards.
  std::vector<int> on_host(n, 0), count_on(n, 0);
  for (std::size_t i = 0; i < n; ++i)
    if (host[i] != kNone) ++count_on[host[i]];
  for (std::size_t i = 0; i < n; ++i) {
    if (host[i] == kNone) continue;
    const Bounds& a = *g.node[host[i]];
    int k = count_on[host[i]], j = on_host[host[i]]++;
    double x = k == 1 ? a.x + a.width - 22 : a.x + 22 + j * (a.width - 44) / (k - 1);
    double y = a.y + a.height;
    g.node[i] = Bounds{x - kEventSize / 2, y - kEventSize / 2, kEventSize, kEventSize};
    g.node_label[i] = Bounds{x + 4, y + kEventSize / 2 + 2, 50, 2 * kLabelFont * kLineHeight};
    cx[i] = x;
    cy[i] = y;
  }
  g.automatic = true;

  // Lowest point of each layer, for back edges routed underneath.
  std::vector<double> bottom(layers, -kCoordLimit);
  for (std::size_t i = 0; i < n; ++i) {
    const Bounds& b = *g.node[i];
    std::size_t l = layer[rep(i)];
    bottom[l] = std::max(
        bottom[l],
        b.y + b.height +
            (family_of(d.nodes[i].kind) == Family::activity ? 0.0 : 3 * kLabelFont * kLineHeight));
  }
  for (std::size_t v = n; v < total; ++v)
    bottom[vlayer[v]] = std::max(bottom[vlayer[v]], cy[v] + 2 * kLabelFont * kLineHeight);

  int back_count = 0;
  for (std::size_t f = 0; f < d.flows.size(); ++f) {
    const SequenceFlow& flow = d.flows[f];
    if (!valid_flow(d, flow) || flow.source == flow.target) continue;
    const Bounds& sb = *g.node[flow.source];
    const Bounds& tb = *g.node[flow.target];
    Point sc = center(sb), tc = center(tb);
    std::size_t sl = layer[rep(flow.source)], tl = layer[rep(flow.target)];
    auto& pts = g.flow[f];
    if (back[f] || tl <= sl) {
      double low = -kCoordLimit;
      for (std::size_t l = std::min(sl, tl); l <= std::max(sl, tl); ++l)
        low = std::max(low, bottom[l]);
      low += 20 + 8 * (back_count++ % 4);
      pts = {{sc.x, sb.y + sb.height}, {sc.x, low}, {tc.x, low}, {tc.x, tb.y + tb.height}};
      continue;
    }
    // Forward: through the flow's waypoints to the target, changing height
    // halfway between two layers; a gateway is left or entered at the corner
    // facing the other end, a boundary event at its bottom.
    std::vector<Point> hops;
    for (std::size_t v : chain[f]) hops.push_back({cx[v], cy[v]});
    hops.push_back(tc);
    Point cur;
    if (host[flow.source] != kNone) {
      cur = {sc.x, sb.y + sb.height};
      pts.push_back(cur);
      // Straight down to a target below, else under the event's name.
      cur.y = hops[0].y > cur.y + 10 ? hops[0].y : cur.y + 2 * kLabelFont * kLineHeight + 8;
      pts.push_back(cur);
    } else if (family_of(d.nodes[flow.source].kind) == Family::gateway &&
               std::abs(hops[0].y - sc.y) >= 1) {
      pts.push_back({sc.x, hops[0].y < sc.y ? sb.y : sb.y + sb.height});
      cur = {sc.x, hops[0].y};
      pts.push_back(cur);
    } else {
      cur = {sb.x + sb.width, sc.y};
      pts.push_back(cur);
    }
    for (std::size_t k = 0; k < hops.size(); ++k) {
      bool last = k + 1 == hops.size();
      if (last && family_of(d.nodes[flow.target].kind) == Family::gateway &&
          std::abs(cur.y - tc.y) >= 1) {
        pts.push_back({tc.x, cur.y});
        pts.push_back({tc.x, cur.y < tc.y ? tb.y : tb.y + tb.height});
        break;
      }
      if (std::abs(cur.y - hops[k].y) >= 1) {
        double x =
            (last ? static_cast<double>(tl) : static_cast<double>(sl + 1 + k)) * kLayerSpacing -
            kLayerSpacing / 2;
        pts.push_back({x, cur.y});
        cur = {x, hops[k].y};
        pts.push_back(cur);
      }
      if (last) pts.push_back({tb.x, tc.y});
    }
  }
  return g;
}

// ------------------------------------------------------------------ output

struct Writer {
  std::string out;
  Box box;

  Writer& operator<<(std::string_view s) {
    out += s;
    return *this;
  }
  Writer& operator<<(double v) {
    out += num(v);
    return *this;
  }
};

// A block of lines; anchor "middle" centres them on x, "start" starts them
// at x, "end" ends them there. top: the top of the block (the first line's ascent).
void text_block(Writer& w, const std::vector<std::u32string>& lines, double x, double top,
                double font, std::string_view anchor, bool halo) {
  if (lines.empty()) return;
  double lh = font * kLineHeight;
  w << "<text x=\"" << x << "\" y=\"" << top + font << "\" font-size=\"" << font
    << "\" text-anchor=\"" << anchor << "\" fill=\"" << kText << "\"";
  if (halo)
    w << " stroke=\"" << kPaper << "\" stroke-width=\"3\" stroke-linejoin=\"round\" "
      << "paint-order=\"stroke\"";
  w << ">";
  double widest = 0;
  for (std::size_t k = 0; k < lines.size(); ++k) {
    widest = std::max(widest, text_width(lines[k], font));
    w << "<tspan x=\"" << x << "\" y=\"" << top + font + static_cast<double>(k) * lh << "\">"
      << core::xml_escape(to_utf8(lines[k])) << "</tspan>";
  }
  w << "</text>";
  double left = anchor == "middle" ? x - widest / 2 : anchor == "end" ? x - widest : x;
  w.box.add(left, top);
  w.box.add(left + widest, top + static_cast<double>(lines.size()) * lh);
}

// Lines centred in a box (a DI label, or the inside of a task).
void text_in(Writer& w, std::string_view text, const Bounds& b, double font, int max_lines,
             double min_width, bool halo) {
  std::u32string t = clean(text, kMaxWrapChars);
  if (t.empty()) return;
  double width = std::max(b.width, min_width);
  auto lines = wrap(t, width, max_lines, font);
  double block = static_cast<double>(lines.size()) * font * kLineHeight;
  text_block(w, lines, b.x + b.width / 2, b.y + (b.height - block) / 2, font, "middle", halo);
}

void line(Writer& w, Point a, Point b, const char* stroke, double width) {
  w << "<line x1=\"" << a.x << "\" y1=\"" << a.y << "\" x2=\"" << b.x << "\" y2=\"" << b.y
    << "\" stroke=\"" << stroke << "\" stroke-width=\"" << width << "\"/>";
}

void circle(Writer& w, Point c, double r, const char* stroke, double width, const char* fill,
            std::string_view extra = {}) {
  w << "<circle cx=\"" << c.x << "\" cy=\"" << c.y << "\" r=\"" << r << "\" fill=\"" << fill
    << "\" stroke=\"" << stroke << "\" stroke-width=\"" << width << "\"";
  if (!extra.empty()) w << " " << extra;
  w << "/>";
}

void polygon(Writer& w, const std::vector<Point>& pts, const char* stroke, double width,
             const char* fill, std::string_view extra = {}) {
  w << "<polygon points=\"";
  for (std::size_t k = 0; k < pts.size(); ++k) w << (k ? " " : "") << pts[k].x << "," << pts[k].y;
  w << "\" fill=\"" << fill << "\" stroke=\"" << stroke << "\" stroke-width=\"" << width
    << "\" stroke-linejoin=\"round\"";
  if (!extra.empty()) w << " " << extra;
  w << "/>";
}

// Event glyphs, centred on c inside an event of radius r.
void timer_glyph(Writer& w, Point c, double r, const char* stroke) {
  double cr = r * 0.58;
  w << "<g class=\"wf-marker-timer\">";
  circle(w, c, cr, stroke, 1.5, kPaper);
  for (int k = 0; k < 12; ++k) {
    double a = k * 3.14159265358979 / 6;
    double r0 = k % 3 == 0 ? cr * 0.7 : cr * 0.82;
    line(w, {c.x + r0 * std::sin(a), c.y - r0 * std::cos(a)},
         {c.x + cr * std::sin(a), c.y - cr * std::cos(a)}, stroke, 1);
  }
  line(w, c, {c.x, c.y - cr * 0.6}, stroke, 1.5);
  line(w, c, {c.x + cr * 0.45, c.y + cr * 0.15}, stroke, 1.5);
  w << "</g>";
}

void message_glyph(Writer& w, Point c, double r, const char* stroke) {
  double hw = r * 0.55, hh = r * 0.38;
  w << "<g class=\"wf-marker-message\">";
  w << "<rect x=\"" << c.x - hw << "\" y=\"" << c.y - hh << "\" width=\"" << 2 * hw
    << "\" height=\"" << 2 * hh << "\" fill=\"" << kPaper << "\" stroke=\"" << stroke
    << "\" stroke-width=\"1.5\"/>";
  w << "<polyline points=\"" << c.x - hw << "," << c.y - hh << " " << c.x << "," << c.y + hh * 0.2
    << " " << c.x + hw << "," << c.y - hh << "\" fill=\"none\" stroke=\"" << stroke
    << "\" stroke-width=\"1.5\"/>";
  w << "</g>";
}

void signal_glyph(Writer& w, Point c, double r, const char* stroke) {
  w << "<g class=\"wf-marker-signal\">";
  polygon(
      w, {{c.x, c.y - r * 0.5}, {c.x + r * 0.47, c.y + r * 0.32}, {c.x - r * 0.47, c.y + r * 0.32}},
      stroke, 1.5, kPaper);
  w << "</g>";
}

void user_glyph(Writer& w, double x, double y, const char* stroke) {
  w << "<g class=\"wf-marker-user\">";
  circle(w, {x + 15, y + 11}, 3.5, stroke, 1.5, kPaper);
  w << "<path d=\"M" << x + 8 << "," << y + 24 << " C" << x + 8 << "," << y + 17 << " " << x + 22
    << "," << y + 17 << " " << x + 22 << "," << y + 24 << " Z\" fill=\"" << kPaper << "\" stroke=\""
    << stroke << "\" stroke-width=\"1.5\"/>";
  w << "</g>";
}

void gear_glyph(Writer& w, double x, double y, const char* stroke) {
  Point c{x + 15, y + 15};
  w << "<g class=\"wf-marker-service\">";
  for (int k = 0; k < 8; ++k) {
    double a = k * 3.14159265358979 / 4;
    line(w, {c.x + 4 * std::cos(a), c.y + 4 * std::sin(a)},
         {c.x + 8 * std::cos(a), c.y + 8 * std::sin(a)}, stroke, 2.5);
  }
  circle(w, c, 5.5, stroke, 1.5, kPaper);
  circle(w, c, 2, stroke, 1.5, kPaper);
  w << "</g>";
}

// State badges at the top right corner: "!" overdue, a tick done; shape and
// colour together, so the state does not rest on colour alone.
void badge(Writer& w, State s, double x, double y) {
  if (s == State::overdue) {
    w << "<g class=\"wf-badge-overdue\">";
    circle(w, {x, y}, 7, "#d93025", 1, "#d93025");
    line(w, {x, y - 4}, {x, y + 1}, kPaper, 2);
    circle(w, {x, y + 3.6}, 1, kPaper, 0, kPaper);
    w << "</g>";
    w.box.add(x - 8, y - 8);
    w.box.add(x + 8, y + 8);
  } else if (s == State::done) {
    w << "<g class=\"wf-badge-done\">";
    circle(w, {x, y}, 7, "#188038", 1, "#188038");
    w << "<polyline points=\"" << x - 3.5 << "," << y << " " << x - 1 << "," << y + 3 << " "
      << x + 3.5 << "," << y - 3 << "\" fill=\"none\" stroke=\"" << kPaper
      << "\" stroke-width=\"2\"/>";
    w << "</g>";
    w.box.add(x - 8, y - 8);
    w.box.add(x + 8, y + 8);
  }
}

struct Marks {
  const DiagramMarks& m;
  State state(const std::string& id) const {
    if (m.overdue.contains(id)) return State::overdue;
    if (m.current.contains(id)) return State::current;
    if (m.done.contains(id)) return State::done;
    return State::normal;
  }
  // " wf-current wf-overdue" …
  std::string classes(const std::string& id) const {
    std::string c;
    if (m.current.contains(id)) c += " wf-current";
    if (m.done.contains(id)) c += " wf-done";
    if (m.overdue.contains(id)) c += " wf-overdue";
    return c;
  }
  // "当前，已超期" …; done is not said of an element where the instance stands.
  std::string words(const std::string& id) const {
    std::string s;
    bool current = m.current.contains(id), overdue = m.overdue.contains(id);
    if (current) s += "当前";
    if (overdue) s += s.empty() ? "已超期" : "，已超期";
    if (!current && !overdue && m.done.contains(id)) s += "已完成";
    return s;
  }
};

void group_open(Writer& w, const Marks& marks, const std::string& id, std::string_view name,
                const char* kind) {
  std::string title = escaped(name.empty() ? std::string_view(id) : name, kMaxTitleChars);
  std::string words = marks.words(id);
  if (!words.empty()) title += "（" + words + "）";
  w << "<g class=\"wf-element " << kind << marks.classes(id) << "\" data-element-id=\""
    << escaped(id, kMaxIdChars) << "\"><title>" << title << "</title>";
}

void draw_flow(Writer& w, const Definition& d, std::size_t index, const Geometry& g,
               const Marks& marks) {
  const SequenceFlow& flow = d.flows[index];
  const std::vector<Point>& pts = g.flow[index];
  State state = marks.state(flow.id);
  Style st = style_of(state);
  double width = st.emphasis ? 2.5 : 1.5;
  group_open(w, marks, flow.id, flow.name, "wf-flow");
  w << "<polyline points=\"";
  for (std::size_t k = 0; k < pts.size(); ++k) {
    w << (k ? " " : "") << pts[k].x << "," << pts[k].y;
    w.box.add(pts[k].x, pts[k].y);
  }
  w << "\" fill=\"none\" stroke=\"" << st.stroke << "\" stroke-width=\"" << width
    << "\" stroke-linejoin=\"round\" marker-end=\"url(#" << arrow_id(state) << ")\"/>";

  // Direction of the first segment, for the source markers.
  Point p0 = pts[0];
  std::size_t k1 = 1;
  while (k1 + 1 < pts.size() && pts[k1].x == p0.x && pts[k1].y == p0.y) ++k1;
  double dx = pts[k1].x - p0.x, dy = pts[k1].y - p0.y, len = std::hypot(dx, dy);
  if (len > 0) {
    dx /= len;
    dy /= len;
    double nx = -dy, ny = dx;
    bool source_ok = flow.source < d.nodes.size();
    bool is_default = source_ok && d.nodes[flow.source].default_flow == index;
    bool conditional = source_ok && flow.condition && !is_default &&
                       family_of(d.nodes[flow.source].kind) == Family::activity;
    if (is_default) {
      double t = std::min(10.0, len / 2);
      Point p{p0.x + dx * t, p0.y + dy * t};
      w << "<g class=\"wf-marker-default\">";
      line(w, {p.x - 4 * dx + 5 * nx, p.y - 4 * dy + 5 * ny},
           {p.x + 4 * dx - 5 * nx, p.y + 4 * dy - 5 * ny}, st.stroke, width);
      w << "</g>";
    } else if (conditional) {
      w << "<g class=\"wf-marker-conditional\">";
      polygon(w,
              {p0,
               {p0.x + 7 * dx + 4.5 * nx, p0.y + 7 * dy + 4.5 * ny},
               {p0.x + 14 * dx, p0.y + 14 * dy},
               {p0.x + 7 * dx - 4.5 * nx, p0.y + 7 * dy - 4.5 * ny}},
              st.stroke, width, kPaper);
      w << "</g>";
    }
  }

  if (!flow.name.empty()) {
    if (g.flow_label[index]) {
      text_in(w, flow.name, *g.flow_label[index], kLabelFont, 3, 60, true);
    } else {
      // Halfway along the line: above a horizontal segment, beside a vertical one.
      double total = 0;
      for (std::size_t k = 1; k < pts.size(); ++k)
        total += std::hypot(pts[k].x - pts[k - 1].x, pts[k].y - pts[k - 1].y);
      double half = total / 2;
      Point mid = pts[0];
      bool vertical = false;
      for (std::size_t k = 1; k < pts.size(); ++k) {
        double sl = std::hypot(pts[k].x - pts[k - 1].x, pts[k].y - pts[k - 1].y);
        if (sl >= half && sl > 0) {
          double t = half / sl;
          mid = {pts[k - 1].x + (pts[k].x - pts[k - 1].x) * t,
                 pts[k - 1].y + (pts[k].y - pts[k - 1].y) * t};
          vertical = std::abs(pts[k].x - pts[k - 1].x) < std::abs(pts[k].y - pts[k - 1].y);
          break;
        }
        half -= sl;
      }
      auto lines = wrap(clean(flow.name, kMaxWrapChars), kLabelWidth, 2, kLabelFont);
      double block = static_cast<double>(lines.size()) * kLabelFont * kLineHeight;
      if (vertical)
        text_block(w, lines, mid.x + 5, mid.y - block / 2, kLabelFont, "start", true);
      else
        text_block(w, lines, mid.x, mid.y - block - 3, kLabelFont, "middle", true);
    }
  }
  w << "</g>";
}

void draw_node(Writer& w, const Definition& d, std::size_t index, const Geometry& g,
               const Marks& marks) {
  const FlowNode& node = d.nodes[index];
  const Bounds& b = *g.node[index];
  State state = marks.state(node.id);
  Style st = style_of(state);
  Point c = center(b);
  w.box.add(b);
  group_open(w, marks, node.id, node.name, kind_class(node.kind));

  switch (family_of(node.kind)) {
    case Family::event: {
      double r = std::min(b.width, b.height) / 2;
      switch (node.kind) {
        case NodeKind::start_event:
          circle(w, c, r, st.stroke, st.emphasis ? 3 : 2, st.fill);
          break;
        case NodeKind::end_event:
          circle(w, c, r, st.stroke, st.emphasis ? 5 : 4, st.fill);
          if (node.terminate) circle(w, c, r * 0.55, st.stroke, 1, st.stroke);
          break;
        default: {  // intermediate and boundary: double circle
          std::string_view dash = node.kind == NodeKind::boundary_timer && !node.cancel_activity
                                      ? "stroke-dasharray=\"5,3\""
                                      : "";
          circle(w, c, r, st.stroke, st.emphasis ? 2.5 : 1.5, st.fill, dash);
          circle(w, c, std::max(r - 3, 0.0), st.stroke, st.emphasis ? 2 : 1.5, st.fill, dash);
          if (node.kind == NodeKind::message_catch)
            message_glyph(w, c, r, st.stroke);
          else if (node.kind == NodeKind::signal_catch)
            signal_glyph(w, c, r, st.stroke);
          else
            timer_glyph(w, c, r, st.stroke);
        }
      }
      break;
    }
    case Family::gateway: {
      polygon(w, {{c.x, b.y}, {b.x + b.width, c.y}, {c.x, b.y + b.height}, {b.x, c.y}}, st.stroke,
              st.emphasis ? 3 : 2, st.fill);
      double s = std::min(b.width, b.height);
      if (node.kind == NodeKind::exclusive_gateway) {
        double a = s * 0.17;
        w << "<g class=\"wf-marker-exclusive\">";
        line(w, {c.x - a, c.y - a}, {c.x + a, c.y + a}, st.stroke, 3.5);
        line(w, {c.x - a, c.y + a}, {c.x + a, c.y - a}, st.stroke, 3.5);
      } else if (node.kind == NodeKind::parallel_gateway) {
        double a = s * 0.25;
        w << "<g class=\"wf-marker-parallel\">";
        line(w, {c.x - a, c.y}, {c.x + a, c.y}, st.stroke, 3.5);
        line(w, {c.x, c.y - a}, {c.x, c.y + a}, st.stroke, 3.5);
      } else {
        w << "<g class=\"wf-marker-inclusive\">";
        circle(w, c, s * 0.23, st.stroke, 3, "none");
      }
      w << "</g>";
      break;
    }
    case Family::activity: {
      bool call = node.kind == NodeKind::call_activity;
      w << "<rect x=\"" << b.x << "\" y=\"" << b.y << "\" width=\"" << b.width << "\" height=\""
        << b.height << "\" rx=\"10\" ry=\"10\" fill=\"" << st.fill << "\" stroke=\"" << st.stroke
        << "\" stroke-width=\""
        << (call          ? 4
            : st.emphasis ? 3
                          : 2)
        << "\"/>";
      bool glyph = node.kind == NodeKind::user_task || node.kind == NodeKind::service_task;
      if (node.kind == NodeKind::user_task) user_glyph(w, b.x, b.y, st.stroke);
      if (node.kind == NodeKind::service_task) gear_glyph(w, b.x, b.y, st.stroke);
      bool markers = call || node.multi_instance;
      double bottom_y = b.y + b.height;
      double mx = c.x + (call && node.multi_instance ? 10 : 0);
      if (call) {
        double px = c.x - (node.multi_instance ? 10 : 0);
        w << "<g class=\"wf-marker-call\"><rect x=\"" << px - 7 << "\" y=\"" << bottom_y - 20
          << "\" width=\"14\" height=\"14\" fill=\"" << kPaper << "\" stroke=\"" << st.stroke
          << "\" stroke-width=\"1.5\"/>";
        line(w, {px - 4, bottom_y - 13}, {px + 4, bottom_y - 13}, st.stroke, 1.5);
        line(w, {px, bottom_y - 17}, {px, bottom_y - 9}, st.stroke, 1.5);
        w << "</g>";
      }
      if (node.multi_instance) {
        if (node.multi_instance->sequential) {
          w << "<g class=\"wf-marker-sequential-mi\">";
          for (int k = 0; k < 3; ++k) {
            double y = bottom_y - 18 + k * 5;
            line(w, {mx - 6, y}, {mx + 6, y}, st.stroke, 2);
          }
        } else {
          w << "<g class=\"wf-marker-parallel-mi\">";
          for (int k = -1; k <= 1; ++k)
            line(w, {mx + k * 5, bottom_y - 19}, {mx + k * 5, bottom_y - 7}, st.stroke, 2);
        }
        w << "</g>";
      }
      double top = glyph ? 22 : 5, bottom = markers ? 22 : 5;
      double avail = std::max(b.height - top - bottom, 0.0);
      int max_lines = std::max(1, static_cast<int>(avail / (kTaskFont * kLineHeight)));
      Bounds area{b.x + 5, b.y + top, std::max(b.width - 10, 0.0), avail};
      text_in(w, node.name, area, kTaskFont, max_lines, 0, false);
      break;
    }
  }

  // Names of events and gateways: at the DI label, else below the shape.
  if (family_of(node.kind) != Family::activity && !node.name.empty()) {
    if (g.node_label[index]) {
      text_in(w, node.name, *g.node_label[index], kLabelFont, 3, g.automatic ? 0 : 60, true);
    } else if (g.automatic && family_of(node.kind) == Family::gateway) {
      // Below left: flows leave and enter a gateway vertically at its
      // corners and horizontally at the left one, never there.
      auto lines = wrap(clean(node.name, kMaxWrapChars), 80, 3, kLabelFont);
      text_block(w, lines, c.x - 8, b.y + b.height + 2, kLabelFont, "end", true);
    } else {
      auto lines = wrap(clean(node.name, kMaxWrapChars), kLabelWidth, 3, kLabelFont);
      text_block(w, lines, c.x, b.y + b.height + 4, kLabelFont, "middle", true);
    }
  }
  if (family_of(node.kind) == Family::activity)
    badge(w, state, b.x + b.width - 4, b.y + 4);
  else
    badge(w, state, b.x + b.width, b.y);
  w << "</g>";
}

void arrow_marker(std::string& out, State s) {
  out += "<marker id=\"";
  out += arrow_id(s);
  out +=
      "\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"10\" markerHeight=\"10\" "
      "markerUnits=\"userSpaceOnUse\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 Z\" fill=\"";
  out += style_of(s).stroke;
  out += "\"/></marker>";
}

// "当前：部门审核、局长审批。已超期：局长审批。" for the accessible description.
std::string describe(const Definition& d, const DiagramMarks& m) {
  auto list = [&](const std::set<std::string>& ids, std::string_view what) {
    if (ids.empty()) return std::string{};
    std::string s(what);
    s += "：";
    std::size_t k = 0;
    for (const std::string& id : ids) {
      if (k == kMaxDescNames) {
        s += "等";
        break;
      }
      const FlowNode* node = nullptr;
      for (const FlowNode& n : d.nodes)
        if (n.id == id) {
          node = &n;
          break;
        }
      if (k++) s += "、";
      s += escaped(node && !node->name.empty() ? std::string_view(node->name) : id, 60);
    }
    return s + "。";
  };
  return list(m.current, "当前") + list(m.overdue, "已超期");
}

}  // namespace

std::string render_diagram_svg(const Definition& definition, const DiagramMarks& marks) {
  const Definition& d = definition;
  Geometry g = d.diagram.shapes.empty() ? auto_layout(d) : from_di(d);
  Marks mk{marks};
  Writer w;
  w.out.reserve(512 + 600 * (d.nodes.size() + d.flows.size()));

  for (std::size_t i = 0; i < d.flows.size(); ++i)
    if (g.flow[i].size() >= 2) draw_flow(w, d, i, g, mk);
  // Activities first, so that boundary events sit on top of their borders.
  for (std::size_t i = 0; i < d.nodes.size(); ++i)
    if (g.node[i] && d.nodes[i].kind != NodeKind::boundary_timer) draw_node(w, d, i, g, mk);
  for (std::size_t i = 0; i < d.nodes.size(); ++i)
    if (g.node[i] && d.nodes[i].kind == NodeKind::boundary_timer) draw_node(w, d, i, g, mk);

  Box box = w.box;
  if (box.empty()) box.add(Bounds{0, 0, 0, 0});
  // Whole pixels, so width and height say the same as the viewBox.
  double x = std::floor(box.min_x - kMargin), y = std::floor(box.min_y - kMargin);
  double width = std::max(std::ceil(box.max_x + kMargin) - x, 1.0);
  double height = std::max(std::ceil(box.max_y + kMargin) - y, 1.0);

  std::string label = marks.label.empty() ? (d.name.empty() ? d.key : d.name) : marks.label;
  if (label.empty()) label = "流程图";
  label = escaped(label, kMaxTitleChars);

  std::string out;
  out.reserve(w.out.size() + 2048);
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"" + num(x) + " " + num(y) + " " +
         num(width) + " " + num(height) + "\" width=\"" + num(width) + "\" height=\"" +
         num(height) + "\" role=\"img\" aria-label=\"" + label +
         "\" class=\"wf-diagram\" font-family=\"" + kFont + "\">";
  out += "<title>" + label + "</title>";
  std::string desc = describe(d, marks);
  if (!desc.empty()) out += "<desc>" + desc + "</desc>";
  out += "<defs>";
  for (State s : {State::normal, State::done, State::current, State::overdue}) arrow_marker(out, s);
  out += "</defs>";
  out += w.out;
  out += "</svg>";
  return out;
}

}  // namespace yiwang::workflow
