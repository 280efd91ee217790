// parse_bpmn: BPMN 2.0 XML → Definition, with every deploy-time check.
//
// The work is done in passes over one pugixml tree:
//   1. scan: the whole document once, iteratively, resolving namespace
//      prefixes with a binding stack (pugixml knows nothing of namespaces),
//      bounding the depth and finding duplicate ids and unbound prefixes;
//   2. read: the single <process>, element by element, into FlowNodes and
//      SequenceFlows; elements the engine cannot run become placeholder nodes
//      so the graph checks that follow do not report their neighbours again;
//   3. link: flows to nodes, boundary events to activities, default flows;
//   4. check: conditions, gateways, reachability both ways and the
//      dominator test for joins (Cooper, Harvey and Kennedy, "A Simple, Fast
//      Dominance Algorithm", 2001);
//   5. the diagram interchange coordinates.
// A Definition is returned only when no pass found a problem.
#include "workflow/bpmn_parser.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <pugixml.hpp>

namespace yiwang::workflow {
namespace {

using Params = std::map<std::string, std::string>;

constexpr std::size_t kMaxProblems = 200;     // then "too_many_problems" and silence
constexpr std::size_t kMaxDepth = 64;         // element nesting; real files stay below 12
constexpr int kMaxCardinality = 1000;         // loopCardinality
constexpr double kMaxCoordinate = 1.0e6;      // diagram coordinates, either sign
constexpr std::size_t kMaxQuotedChars = 200;  // of a condition or timer quoted in a message
constexpr std::string_view kXmlNs = "http://www.w3.org/XML/1998/namespace";
constexpr std::string_view kUnbound = "\x01unbound";

// ---------------------------------------------------------------- text helpers

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// The offset of the first byte that does not belong to well-formed UTF-8
// (no overlong forms, no surrogates, nothing above U+10FFFF).
std::optional<std::size_t> invalid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return i;
    }
    if (i + len > n) return i;
    if (p[i + 1] < lo || p[i + 1] > hi) return i;
    for (std::size_t k = 2; k < len; ++k)
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) return i;
    i += len;
  }
  return std::nullopt;
}

// At most `max_chars` characters of s (UTF-8 aware), "…" marking a cut.
std::string clip(std::string_view s, std::size_t max_chars = kMaxQuotedChars) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (chars++ == max_chars) return std::string(s.substr(0, i)) + "…";
  }
  return std::string(s);
}

// "a, b，c" → {"a", "b", "c"}: ASCII and full-width commas, blanks trimmed,
// empty entries and repeats dropped.
std::vector<std::string> split_list(std::string_view s) {
  std::vector<std::string> out;
  constexpr std::string_view kFullWidthComma = "\xEF\xBC\x8C";  // "，"
  while (true) {
    const std::size_t ascii = s.find(',');
    const std::size_t wide = s.find(kFullWidthComma);
    const std::size_t cut = std::min(ascii, wide);
    const std::string_view item = trim(s.substr(0, cut));
    if (!item.empty() && std::find(out.begin(), out.end(), item) == out.end())
      out.emplace_back(item);
    if (cut == std::string_view::npos) break;
    s.remove_prefix(cut + (cut == ascii ? 1 : kFullWidthComma.size()));
  }
  return out;
}

// An id reference written as a QName ("tns:Flow_1") names the local part.
std::string_view strip_ref(std::string_view ref) {
  ref = trim(ref);
  const std::size_t colon = ref.rfind(':');
  return colon == std::string_view::npos ? ref : ref.substr(colon + 1);
}

// "${signers}" / "#{signers}" → "signers" (the Camunda/JUEL wrapping).
std::string_view unwrap_expression(std::string_view s) {
  s = trim(s);
  if (s.size() >= 3 && (s[0] == '$' || s[0] == '#') && s[1] == '{' && s.back() == '}')
    return trim(s.substr(2, s.size() - 3));
  return s;
}

// [A-Za-z_][A-Za-z0-9_.-]{0,63}: a process key.
bool is_key(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  const auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
  if (!alpha(s[0]) && s[0] != '_') return false;
  return std::all_of(s.begin() + 1, s.end(), [&](char c) {
    return alpha(c) || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
  });
}

// A variable name as the expression language reads it: a letter (CJK
// included: any non-ASCII byte) or "_", then letters, digits, "_".
bool is_name_start(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

bool is_name(std::string_view s) {
  return !s.empty() && s.size() <= 64 && is_name_start(s[0]) &&
         std::all_of(s.begin(), s.end(), is_name_char);
}

// name ("." name | "[" digits "]")*
bool is_path(std::string_view s) {
  if (s.empty() || s.size() > 200) return false;
  std::size_t i = 0;
  const auto name = [&] {
    if (i >= s.size() || !is_name_start(s[i])) return false;
    while (i < s.size() && is_name_char(s[i])) ++i;
    return true;
  };
  if (!name()) return false;
  while (i < s.size()) {
    if (s[i] == '.') {
      ++i;
      if (!name()) return false;
    } else if (s[i] == '[') {
      const std::size_t start = ++i;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
      if (i == start || i >= s.size() || s[i] != ']') return false;
      ++i;
    } else {
      return false;
    }
  }
  return true;
}

template <class T>
std::optional<T> parse_number(std::string_view s) {
  s = trim(s);
  T value{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return value;
}

// The character data directly inside an element (text and CDATA), trimmed.
std::string element_text(pugi::xml_node el) {
  std::string out;
  for (pugi::xml_node c = el.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) out += c.value();
  return std::string(trim(out));
}

pugi::xml_node first_element(pugi::xml_node n) {
  for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element) return c;
  return {};
}

pugi::xml_node next_element(pugi::xml_node n) {
  for (pugi::xml_node c = n.next_sibling(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element) return c;
  return {};
}

std::string_view prefix_of(std::string_view qname) {
  const std::size_t colon = qname.find(':');
  return colon == std::string_view::npos ? std::string_view{} : qname.substr(0, colon);
}

std::string_view local_of(std::string_view qname) {
  const std::size_t colon = qname.find(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

// What to use instead of an element the engine does not run. The text is
// shown to the modeller as the "detail" of workflow.bpmn.unsupported.
std::string unsupported_detail(std::string_view local) {
  static const std::map<std::string_view, std::string_view> kDetails = {
      {"task",
       "未指定类型的任务不会做任何事：由人办理的请改为用户任务，由系统执行的请改为服务任务（yiwang:"
       "handler）"},
      {"scriptTask", "不执行脚本，请改用服务任务 yiwang:handler"},
      {"sendTask", "不支持发送任务：请改用服务任务，由 yiwang:handler 发送消息"},
      {"receiveTask", "不支持接收任务：请改用消息中间捕获事件"},
      {"manualTask", "不支持手工任务：请改用用户任务，由办理人办完后确认"},
      {"businessRuleTask",
       "不支持业务规则任务（DMN）：请用排他网关加条件，或服务任务 yiwang:handler"},
      {"subProcess",
       "不支持嵌入式子流程：请把子流程展开到主流程中，或单独部署后用调用活动（callActivity）调用"},
      {"adHocSubProcess", "不支持自由子流程：请把其中的任务排成明确的顺序流"},
      {"transaction", "不支持事务子流程：请把其中的任务展开到主流程中"},
      {"eventBasedGateway",
       "不支持事件网关：等待超时请用用户任务上的定时边界事件，其他分支请用排他网关"},
      {"complexGateway", "不支持复杂网关：请改用包容网关或排他网关"},
      {"intermediateThrowEvent", "不支持中间抛出事件：要发送消息或信号请用服务任务 yiwang:handler"},
      {"callChoreography", "不支持编排（choreography）元素"},
      {"choreographyTask", "不支持编排（choreography）元素"},
      {"subChoreography", "不支持编排（choreography）元素"},
      {"implicitThrowEvent", "不支持隐式抛出事件"},
  };
  const auto it = kDetails.find(local);
  return it != kDetails.end()
             ? std::string(it->second)
             : "引擎不执行这种元素：请只使用用户任务、服务任务、调用活动、网关和受支持的事件";
}

// Children of <process> that carry no behaviour and are skipped.
bool ignored_in_process(std::string_view local) {
  static const std::set<std::string_view> kIgnored = {
      "documentation",
      "extensionElements",
      "auditing",
      "monitoring",
      "property",
      "laneSet",
      "ioSpecification",
      "ioBinding",
      "textAnnotation",
      "association",
      "group",
      "dataObject",
      "dataObjectReference",
      "dataStoreReference",
      "correlationSubscription",
      "humanPerformer",
      "potentialOwner",
      "performer",
      "resourceRole",
  };
  return kIgnored.contains(local);
}

// Placeholder and bookkeeping for each node while checking; not part of the Definition.
struct NodeInfo {
  std::string qname;                       // "bpmn:userTask"
  bool supported = true;                   // false: a placeholder for an unsupported element
  bool end_like = false;                   // an end event (also an unsupported one)
  bool boundary_like = false;              // a boundary event (also an unsupported one)
  std::string attached_ref;                // boundary: attachedToRef as written
  std::optional<std::string> default_ref;  // the `default` attribute
  // Already reported as broken: a flow into or out of it was dropped, or a
  // boundary event is attached to nothing. The graph checks stay quiet about
  // such a node, as the first report already explains what follows from it.
  bool dropped_in = false, dropped_out = false, detached = false;
};

class Parser {
 public:
  explicit Parser(pugi::xml_node root) : root_(root) {}

  std::expected<Definition, Problems> run() {
    if (!scan()) return std::unexpected(std::move(problems_));
    if (ns(root_) != kBpmnModelNs || local_of(root_.name()) != "definitions") {
      add("workflow.bpmn.not_bpmn", "", {{"root", clip(root_.name(), 80)}});
      return std::unexpected(std::move(problems_));
    }
    read_events();
    std::vector<pugi::xml_node> processes;
    for (pugi::xml_node c = first_element(root_); c; c = next_element(c))
      if (is_bpmn(c, "process")) processes.push_back(c);
    if (processes.empty()) {
      add("workflow.bpmn.no_process");
      return std::unexpected(std::move(problems_));
    }
    if (processes.size() > 1) {
      add("workflow.bpmn.several_processes", "", {{"count", std::to_string(processes.size())}});
      return std::unexpected(std::move(problems_));
    }
    if (!read_process(processes.front())) return std::unexpected(std::move(problems_));
    link_flows();
    link_boundaries();
    link_defaults();
    check_flows();
    check_graph();
    read_diagram();
    if (!problems_.empty()) return std::unexpected(std::move(problems_));
    return std::move(def_);
  }

 private:
  // ------------------------------------------------------------- problems

  // Field and parameters are clipped: a hostile file cannot make the report huge.
  void add(std::string key, std::string field = {}, Params params = {}) {
    if (full_) return;
    field = clip(field, kMaxQuotedChars);
    for (auto& [name, value] : params) value = clip(value, kMaxQuotedChars + 100);
    if (problems_.size() >= kMaxProblems) {
      problems_.emplace_back("workflow.bpmn.too_many_problems", "",
                             Params{{"limit", std::to_string(kMaxProblems)}});
      full_ = true;
      return;
    }
    problems_.emplace_back(std::move(key), std::move(field), std::move(params));
  }

  // A problem about one node: field = its id, params element (+ more).
  void add_node_problem(std::string key, std::size_t node, Params params = {}) {
    params.emplace("element", info_[node].qname);
    add(std::move(key), def_.nodes[node].id, std::move(params));
  }

  // ----------------------------------------------------------- namespaces

  // Pass 1. Records the namespace of every element and prefixed attribute,
  // reports unbound prefixes, duplicate attributes and duplicate ids.
  // False when the document is nested too deeply to look at further.
  bool scan() {
    std::unordered_map<std::string_view, std::vector<std::string_view>> bindings;
    std::vector<std::vector<std::string_view>> frames;  // prefixes bound by each open element
    std::unordered_map<std::string_view, bool> seen_ids;
    const auto resolve = [&](std::string_view prefix) -> std::string_view {
      if (prefix == "xml") return kXmlNs;
      const auto it = bindings.find(prefix);
      if (it == bindings.end() || it->second.empty() || it->second.back().empty())
        return prefix.empty() ? std::string_view{} : kUnbound;
      return it->second.back();
    };
    pugi::xml_node cur = root_;
    while (cur) {
      if (frames.size() >= kMaxDepth) {
        add("workflow.bpmn.too_deep", "", {{"limit", std::to_string(kMaxDepth)}});
        return false;
      }
      frames.emplace_back();
      std::size_t attributes = 0;
      for (pugi::xml_attribute a = cur.first_attribute(); a; a = a.next_attribute()) {
        ++attributes;
        const std::string_view name = a.name();
        if (name == "xmlns" || name.starts_with("xmlns:")) {
          const std::string_view prefix = name == "xmlns" ? std::string_view{} : name.substr(6);
          bindings[prefix].push_back(a.value());
          frames.back().push_back(prefix);
        }
      }
      const std::string_view id = cur.attribute("id").value();
      // Element namespace: the default namespace applies to unprefixed names.
      const std::string_view element_prefix = prefix_of(cur.name());
      const std::string_view element_uri = resolve(element_prefix);
      element_ns_[cur.internal_object()] = element_uri;
      if (element_uri == kUnbound)
        add("workflow.bpmn.unbound_prefix", std::string(clip(id, 100)),
            {{"prefix", clip(element_prefix, 40)}, {"name", clip(cur.name(), 80)}});
      // Attributes: unprefixed ones are in no namespace.
      std::unordered_set<std::string_view> names;
      for (pugi::xml_attribute a = cur.first_attribute(); a; a = a.next_attribute()) {
        const std::string_view name = a.name();
        if (attributes > 1 && !names.insert(name).second) {
          add("workflow.bpmn.not_xml", "",
              {{"detail", "duplicate attribute " + clip(name, 80)},
               {"offset", std::to_string(cur.offset_debug())}});
        }
        const std::string_view prefix = prefix_of(name);
        if (prefix.empty() || prefix == "xmlns") continue;
        const std::string_view uri = resolve(prefix);
        attribute_ns_[a.internal_object()] = uri;
        if (uri == kUnbound)
          add("workflow.bpmn.unbound_prefix", std::string(clip(id, 100)),
              {{"prefix", clip(prefix, 40)}, {"name", clip(name, 80)}});
      }
      if (!id.empty() && !seen_ids.emplace(id, true).second)
        add("workflow.bpmn.duplicate_id", clip(id, 100),
            {{"element", qname(cur)}, {"id", clip(id, 100)}});

      if (pugi::xml_node child = first_element(cur)) {
        cur = child;
        continue;
      }
      while (cur) {
        for (std::string_view prefix : frames.back()) bindings[prefix].pop_back();
        frames.pop_back();
        if (cur == root_) {
          cur = pugi::xml_node();
          break;
        }
        if (pugi::xml_node next = next_element(cur)) {
          cur = next;
          break;
        }
        cur = cur.parent();
      }
    }
    return true;
  }

  std::string_view ns(pugi::xml_node el) const {
    const auto it = element_ns_.find(el.internal_object());
    return it == element_ns_.end() ? kUnbound : it->second;
  }

  bool is_bpmn(pugi::xml_node el, std::string_view local) const {
    return el.type() == pugi::node_element && ns(el) == kBpmnModelNs &&
           local_of(el.name()) == local;
  }

  // The element's name with the conventional prefix of its namespace
  // ("bpmn:userTask" whatever prefix the file used), else as written.
  std::string qname(pugi::xml_node el) const {
    const std::string_view uri = ns(el);
    const std::string_view local = local_of(el.name());
    if (uri == kBpmnModelNs) return "bpmn:" + std::string(local);
    if (uri == kBpmnDiNs) return "bpmndi:" + std::string(local);
    if (uri == kDcNs) return "dc:" + std::string(local);
    if (uri == kDiNs) return "di:" + std::string(local);
    return clip(el.name(), 80);
  }

  // An extension attribute: the one in `uri` named `local`, or nullptr.
  const char* ext_attribute(pugi::xml_node el, std::string_view uri, std::string_view local) const {
    for (pugi::xml_attribute a = el.first_attribute(); a; a = a.next_attribute()) {
      const std::string_view name = a.name();
      if (prefix_of(name).empty() || local_of(name) != local) continue;
      const auto it = attribute_ns_.find(a.internal_object());
      if (it != attribute_ns_.end() && it->second == uri) return a.value();
    }
    return nullptr;
  }

  // yiwang:<local>, else camunda:<camunda_local> (when given), trimmed; empty if neither.
  std::string yiwang_or_camunda(pugi::xml_node el, std::string_view local,
                                std::string_view camunda_local = {}) const {
    if (const char* v = ext_attribute(el, kYiwangNs, local)) return std::string(trim(v));
    if (!camunda_local.empty())
      if (const char* v = ext_attribute(el, kCamundaNs, camunda_local)) return std::string(trim(v));
    return {};
  }

  // ------------------------------------------------------ definitions level

  // <message> and <signal> at definitions level: id → name.
  void read_events() {
    for (pugi::xml_node c = first_element(root_); c; c = next_element(c)) {
      const bool message = is_bpmn(c, "message");
      if (!message && !is_bpmn(c, "signal")) continue;
      const std::string id = c.attribute("id").value();
      std::string name(trim(c.attribute("name").value()));
      if (name.empty()) name = id;
      (message ? messages_ : signals_).emplace(id, name);
    }
  }

  // ---------------------------------------------------------------- process

  bool read_process(pugi::xml_node process) {
    def_.key = process.attribute("id").value();
    def_.name = trim(process.attribute("name").value());
    if (def_.name.empty()) def_.name = def_.key;
    if (!is_key(def_.key))
      add("workflow.bpmn.bad_key", clip(def_.key, 100),
          {{"element", "bpmn:process"}, {"key", clip(def_.key, 100)}});
    if (std::string_view(process.attribute("isExecutable").value()) == "false")
      add("workflow.bpmn.not_executable", clip(def_.key, 100), {{"element", "bpmn:process"}});

    std::size_t count = 0;
    for (pugi::xml_node c = first_element(process); c; c = next_element(c)) {
      if (ns(c) != kBpmnModelNs) continue;
      const std::string_view local = local_of(c.name());
      if (local != "sequenceFlow" && !ignored_in_process(local)) ++count;
    }
    if (count > kMaxBpmnNodes) {
      add("workflow.bpmn.too_many_nodes", "",
          {{"count", std::to_string(count)}, {"limit", std::to_string(kMaxBpmnNodes)}});
      return false;
    }

    for (pugi::xml_node c = first_element(process); c; c = next_element(c)) {
      if (ns(c) != kBpmnModelNs) continue;  // foreign elements carry no behaviour here
      const std::string_view local = local_of(c.name());
      if (local == "sequenceFlow") {
        flow_elements_.push_back(c);
        flow_ids_.emplace(c.attribute("id").value());
      } else if (ignored_in_process(local)) {
        continue;
      } else if (local == "startEvent") {
        read_start(c);
      } else if (local == "endEvent") {
        read_end(c);
      } else if (local == "userTask") {
        read_user_task(c);
      } else if (local == "serviceTask") {
        read_service_task(c);
      } else if (local == "callActivity") {
        read_call_activity(c);
      } else if (local == "exclusiveGateway") {
        add_node(c, NodeKind::exclusive_gateway);
      } else if (local == "parallelGateway") {
        add_node(c, NodeKind::parallel_gateway);
      } else if (local == "inclusiveGateway") {
        add_node(c, NodeKind::inclusive_gateway);
      } else if (local == "intermediateCatchEvent") {
        read_catch_event(c);
      } else if (local == "boundaryEvent") {
        read_boundary_event(c);
      } else {
        unsupported(c, unsupported_detail(local));
      }
    }
    return true;
  }

  // Adds a node for the element; nullopt (and no node) when it has no id or
  // its id is taken (reported by the scan).
  std::optional<std::size_t> add_node(pugi::xml_node el, NodeKind kind, bool supported = true) {
    const std::string id = el.attribute("id").value();
    if (id.empty()) {
      add("workflow.bpmn.missing_id", "",
          {{"element", qname(el)}, {"name", clip(el.attribute("name").value(), 100)}});
      return std::nullopt;
    }
    if (def_.by_id.contains(id)) return std::nullopt;
    FlowNode node;
    node.id = id;
    node.name = el.attribute("name").value();
    node.kind = kind;
    const std::size_t index = def_.nodes.size();
    def_.nodes.push_back(std::move(node));
    NodeInfo info;
    info.qname = qname(el);
    info.supported = supported;
    info.end_like = kind == NodeKind::end_event;
    if (pugi::xml_attribute d = el.attribute("default"))
      info.default_ref = std::string(strip_ref(d.value()));
    info_.push_back(std::move(info));
    def_.by_id.emplace(id, index);
    return index;
  }

  // Reports an element the engine does not run and keeps a placeholder node
  // for it, so that the flows around it do not cause follow-on reports.
  void unsupported(pugi::xml_node el, std::string detail) {
    add("workflow.bpmn.unsupported", clip(el.attribute("id").value(), 100),
        {{"element", qname(el)}, {"detail", std::move(detail)}});
    const auto index = add_node(el, NodeKind::user_task, false);
    if (!index) return;
    NodeInfo& info = info_[*index];
    const std::string_view local = local_of(el.name());
    info.end_like = local == "endEvent";
    if (local == "boundaryEvent") {
      info.boundary_like = true;
      info.attached_ref = strip_ref(el.attribute("attachedToRef").value());
    }
  }

  // The event definitions of an event element.
  std::vector<pugi::xml_node> event_definitions(pugi::xml_node el) const {
    std::vector<pugi::xml_node> out;
    for (pugi::xml_node c = first_element(el); c; c = next_element(c)) {
      if (ns(c) != kBpmnModelNs) continue;
      const std::string_view local = local_of(c.name());
      if (local.ends_with("EventDefinition") || local == "eventDefinitionRef") out.push_back(c);
    }
    return out;
  }

  void read_start(pugi::xml_node el) {
    if (!event_definitions(el).empty()) {
      unsupported(
          el,
          "只支持一个无类型的开始事件：流程由业务模块发起，不支持消息、定时、信号等方式启动；"
          "请去掉开始事件上的事件定义");
      return;
    }
    add_node(el, NodeKind::start_event);
  }

  void read_end(pugi::xml_node el) {
    const auto definitions = event_definitions(el);
    if (definitions.empty()) {
      add_node(el, NodeKind::end_event);
      return;
    }
    if (definitions.size() == 1 && is_bpmn(definitions.front(), "terminateEventDefinition")) {
      if (const auto index = add_node(el, NodeKind::end_event)) {
        def_.nodes[*index].terminate = true;
      }
      return;
    }
    unsupported(
        el,
        "只支持普通结束事件和终止结束事件：要发送消息或通知请在结束前加服务任务 yiwang:handler");
  }

  void read_user_task(pugi::xml_node el) {
    const auto index = add_node(el, NodeKind::user_task);
    if (!index) return;
    FlowNode& node = def_.nodes[*index];

    node.assignment.assignee = yiwang_or_camunda(el, "assignee", "assignee");
    node.assignment.candidate_groups =
        split_list(yiwang_or_camunda(el, "candidateGroups", "candidateGroups"));
    node.assignment.candidate_users =
        split_list(yiwang_or_camunda(el, "candidateUsers", "candidateUsers"));
    node.form_key = yiwang_or_camunda(el, "formKey", "formKey");
    node.outcomes = split_list(yiwang_or_camunda(el, "outcomes"));

    const std::string due = yiwang_or_camunda(el, "due", "dueDate");
    if (due.starts_with("${") || due.starts_with("#{")) {
      if (Expression::parse(due))
        node.due_expression = due;
      else
        add_node_problem("workflow.bpmn.bad_due", *index, {{"text", clip(due)}});
    } else if (!due.empty()) {
      if (auto d = parse_duration(due))
        node.due = std::move(*d);
      else
        add_node_problem("workflow.bpmn.bad_due", *index, {{"text", clip(due)}});
    }

    const char* approve = ext_attribute(el, kYiwangNs, "approveOutcome");
    if (approve) {
      const std::string outcome(trim(approve));
      if (std::find(node.outcomes.begin(), node.outcomes.end(), outcome) == node.outcomes.end()) {
        std::string list;
        for (const auto& o : node.outcomes) list += (list.empty() ? "" : "，") + o;
        add_node_problem("workflow.bpmn.bad_approve_outcome", *index,
                         {{"outcome", clip(outcome, 100)}, {"outcomes", clip(list)}});
      } else {
        node.approve_outcome = outcome;
      }
    } else if (!node.outcomes.empty()) {
      node.approve_outcome = node.outcomes.front();
    }

    read_loop(el, *index, true);

    // Somebody must be able to do the task. A multi-instance task over a
    // collection needs no assignee: the collection lists the accounts.
    const FlowNode& done = def_.nodes[*index];
    const bool listed = done.multi_instance && !done.multi_instance->collection.empty();
    if (!listed && done.assignment.assignee.empty() && done.assignment.candidate_groups.empty() &&
        done.assignment.candidate_users.empty())
      add_node_problem("workflow.bpmn.no_assignee", *index);
  }

  void read_service_task(pugi::xml_node el) {
    const auto index = add_node(el, NodeKind::service_task);
    if (!index) return;
    def_.nodes[*index].handler = yiwang_or_camunda(el, "handler");
    if (def_.nodes[*index].handler.empty())
      add_node_problem("workflow.bpmn.missing_handler", *index);
    read_loop(el, *index, false);
  }

  void read_call_activity(pugi::xml_node el) {
    const auto index = add_node(el, NodeKind::call_activity);
    if (!index) return;
    const std::string called(trim(el.attribute("calledElement").value()));
    if (called.empty())
      add_node_problem("workflow.bpmn.missing_called_element", *index);
    else if (!is_key(called))
      add_node_problem("workflow.bpmn.bad_called_element", *index, {{"text", clip(called, 100)}});
    else
      def_.nodes[*index].called_element = called;
    read_loop(el, *index, false);
  }

  // Loop characteristics of an activity: multi-instance on user tasks only.
  void read_loop(pugi::xml_node el, std::size_t index, bool multi_instance_allowed) {
    for (pugi::xml_node c = first_element(el); c; c = next_element(c)) {
      if (is_bpmn(c, "standardLoopCharacteristics")) {
        add("workflow.bpmn.unsupported", def_.nodes[index].id,
            {{"element", qname(c)},
             {"detail", "不支持循环任务：要重复办理请用排他网关连回前面的任务"}});
      } else if (is_bpmn(c, "multiInstanceLoopCharacteristics")) {
        if (multi_instance_allowed)
          read_multi_instance(c, index);
        else
          add("workflow.bpmn.unsupported", def_.nodes[index].id,
              {{"element", qname(c)}, {"detail", "会签（多实例）只能用于用户任务"}});
      }
    }
  }

  void read_multi_instance(pugi::xml_node el, std::size_t index) {
    MultiInstance mi;
    mi.sequential = std::string_view(el.attribute("isSequential").value()) == "true";

    const std::string collection = yiwang_or_camunda(el, "collection", "collection");
    if (!collection.empty()) {
      const std::string_view path = unwrap_expression(collection);
      if (is_path(path))
        mi.collection = path;
      else
        add_node_problem("workflow.bpmn.bad_collection", index, {{"text", clip(collection, 100)}});
    }
    const std::string variable = yiwang_or_camunda(el, "elementVariable", "elementVariable");
    if (variable.empty()) {
      mi.element_variable = "signer";
    } else if (is_name(variable)) {
      mi.element_variable = variable;
    } else {
      add_node_problem("workflow.bpmn.bad_element_variable", index,
                       {{"text", clip(variable, 100)}});
    }

    std::optional<std::string> condition_text;
    for (pugi::xml_node c = first_element(el); c; c = next_element(c)) {
      if (is_bpmn(c, "loopCardinality")) {
        const std::string text = element_text(c);
        const auto n = parse_number<int>(unwrap_expression(text));
        if (n && *n >= 1 && *n <= kMaxCardinality)
          mi.cardinality = *n;
        else
          add_node_problem("workflow.bpmn.bad_cardinality", index,
                           {{"text", clip(text, 100)}, {"limit", std::to_string(kMaxCardinality)}});
      } else if (is_bpmn(c, "completionCondition")) {
        condition_text = element_text(c);
      }
    }
    const bool has_cardinality = mi.cardinality.has_value() || has_child(el, "loopCardinality");
    if (collection.empty() && !has_cardinality)
      add_node_problem("workflow.bpmn.missing_collection", index);
    if (!collection.empty() && has_cardinality)
      add_node_problem("workflow.bpmn.collection_and_cardinality", index);

    const char* rule = ext_attribute(el, kYiwangNs, "completion");
    if (rule && condition_text) {
      add_node_problem("workflow.bpmn.completion_conflict", index);
    } else if (rule) {
      if (auto completion = parse_completion(rule))
        mi.completion = std::move(*completion);
      else
        add_node_problem("workflow.bpmn.bad_completion", index, {{"text", clip(trim(rule), 100)}});
    } else if (condition_text) {
      if (auto condition =
              parse_condition(*condition_text, def_.nodes[index].id, info_[index].qname)) {
        mi.completion.rule = Completion::Rule::condition;
        mi.completion.condition = std::move(*condition);
      }
    }
    def_.nodes[index].multi_instance = std::move(mi);
  }

  bool has_child(pugi::xml_node el, std::string_view local) const {
    for (pugi::xml_node c = first_element(el); c; c = next_element(c))
      if (is_bpmn(c, local)) return true;
    return false;
  }

  // yiwang:completion: "all" | "any" | "2/3" | "0.6" | "60%" (全部 / 任一 too).
  static std::optional<Completion> parse_completion(std::string_view text) {
    text = trim(text);
    Completion c;
    if (text == "all" || text == "全部") return c;
    if (text == "any" || text == "任一") {
      c.rule = Completion::Rule::any;
      return c;
    }
    std::optional<double> fraction;
    if (const std::size_t slash = text.find('/'); slash != std::string_view::npos) {
      const auto a = parse_number<int>(text.substr(0, slash));
      const auto b = parse_number<int>(text.substr(slash + 1));
      if (a && b && *b > 0 && *a > 0 && *a <= *b) fraction = static_cast<double>(*a) / *b;
    } else if (text.ends_with('%')) {
      const auto p = parse_number<double>(text.substr(0, text.size() - 1));
      if (p) fraction = *p / 100.0;
    } else {
      fraction = parse_number<double>(text);
    }
    if (!fraction || !std::isfinite(*fraction) || *fraction <= 0.0 || *fraction > 1.0)
      return std::nullopt;
    if (*fraction == 1.0) return c;  // everybody: the same as "all"
    c.rule = Completion::Rule::fraction;
    c.fraction = *fraction;
    return c;
  }

  // A condition (sequence flow or completion condition); reports and returns
  // nullopt when it does not parse.
  std::optional<Expression> parse_condition(const std::string& text, const std::string& field,
                                            const std::string& element) {
    auto parsed = Expression::parse(text);
    if (parsed) return std::move(*parsed);
    const Error& e = parsed.error();
    const auto param = [&](const char* name, std::string fallback) {
      const auto it = e.params.find(name);
      return it != e.params.end() ? clip(it->second, 100) : fallback;
    };
    add("workflow.bpmn.bad_condition", field,
        {{"element", element},
         {"expression", clip(text)},
         {"position", param("position", "1")},
         {"detail", param("detail", clip(text, 100))},
         {"reason", e.key}});
    return std::nullopt;
  }

  void read_catch_event(pugi::xml_node el) {
    const auto definitions = event_definitions(el);
    if (definitions.size() != 1) {
      unsupported(el, definitions.empty() ? "中间捕获事件需要定时、消息或信号之一的事件定义"
                                          : "一个中间捕获事件只能有一个事件定义（不支持多重事件）");
      return;
    }
    const pugi::xml_node d = definitions.front();
    if (is_bpmn(d, "timerEventDefinition")) {
      if (const auto index = add_node(el, NodeKind::timer_catch))
        def_.nodes[*index].timer = read_timer(d, *index);
    } else if (is_bpmn(d, "messageEventDefinition")) {
      if (const auto index = add_node(el, NodeKind::message_catch))
        def_.nodes[*index].event_name = resolve_event(d, "messageRef", messages_, *index);
    } else if (is_bpmn(d, "signalEventDefinition")) {
      if (const auto index = add_node(el, NodeKind::signal_catch))
        def_.nodes[*index].event_name = resolve_event(d, "signalRef", signals_, *index);
    } else {
      unsupported(el, "中间捕获事件只支持定时、消息和信号三种");
    }
  }

  std::string resolve_event(pugi::xml_node definition, const char* attribute,
                            const std::map<std::string, std::string, std::less<>>& names,
                            std::size_t index) {
    const std::string_view ref = strip_ref(definition.attribute(attribute).value());
    if (ref.empty()) {
      add_node_problem("workflow.bpmn.missing_ref", index, {{"attribute", attribute}});
      return {};
    }
    const auto it = names.find(ref);
    if (it == names.end()) {
      add_node_problem("workflow.bpmn.unknown_ref", index,
                       {{"attribute", attribute}, {"ref", clip(ref, 100)}});
      return {};
    }
    return it->second;
  }

  void read_boundary_event(pugi::xml_node el) {
    const auto definitions = event_definitions(el);
    if (definitions.size() != 1 || !is_bpmn(definitions.front(), "timerEventDefinition")) {
      unsupported(el,
                  "只支持定时边界事件（超时催办或超时处理）：错误、消息、信号等边界事件请改用"
                  "排他网关判断办理结果");
      return;
    }
    const auto index = add_node(el, NodeKind::boundary_timer);
    if (!index) return;
    NodeInfo& info = info_[*index];
    info.boundary_like = true;
    info.attached_ref = strip_ref(el.attribute("attachedToRef").value());
    def_.nodes[*index].cancel_activity =
        std::string_view(el.attribute("cancelActivity").value()) != "false";
    def_.nodes[*index].timer = read_timer(definitions.front(), *index);
  }

  // timeDuration | timeDate | timeCycle → TimerSpec.
  std::optional<TimerSpec> read_timer(pugi::xml_node definition, std::size_t index) {
    std::vector<pugi::xml_node> parts;
    for (pugi::xml_node c = first_element(definition); c; c = next_element(c))
      if (is_bpmn(c, "timeDuration") || is_bpmn(c, "timeDate") || is_bpmn(c, "timeCycle"))
        parts.push_back(c);
    if (parts.size() != 1) {
      add_node_problem("workflow.bpmn.missing_timer", index);
      return std::nullopt;
    }
    TimerSpec spec;
    spec.text = element_text(parts.front());
    const std::string_view local = local_of(parts.front().name());
    bool ok = false;
    if (local == "timeDuration") {
      spec.kind = TimerSpec::Kind::duration;
      if (auto d = parse_duration(spec.text)) {
        spec.duration = std::move(*d);
        ok = true;
      }
    } else if (local == "timeDate") {
      spec.kind = TimerSpec::Kind::date;
      if (parse_date_time(spec.text)) {
        spec.date = spec.text;
        ok = true;
      }
    } else {
      spec.kind = TimerSpec::Kind::cycle;
      if (auto c = parse_cycle(spec.text); c && !c->every.zero()) {
        spec.duration = std::move(c->every);
        spec.repeat = c->repeat;
        ok = true;
      }
    }
    if (!ok) {
      add_node_problem("workflow.bpmn.bad_timer", index,
                       {{"text", clip(spec.text, 100)}, {"timer", std::string(local)}});
      return std::nullopt;
    }
    return spec;
  }

  // ------------------------------------------------------------------ links

  void link_flows() {
    for (pugi::xml_node el : flow_elements_) {
      const std::string id = el.attribute("id").value();
      if (id.empty()) {
        add("workflow.bpmn.missing_id", "",
            {{"element", "bpmn:sequenceFlow"}, {"name", clip(el.attribute("name").value(), 100)}});
        continue;
      }
      if (flow_by_id_.contains(id) || def_.by_id.contains(id)) continue;  // duplicate: reported
      bool ok = true;
      const auto end = [&](const char* attribute) -> std::optional<std::size_t> {
        const std::string_view ref = strip_ref(el.attribute(attribute).value());
        if (ref.empty()) {
          add("workflow.bpmn.missing_ref", id,
              {{"element", "bpmn:sequenceFlow"}, {"attribute", attribute}});
          return std::nullopt;
        }
        const auto it = def_.by_id.find(ref);
        if (it == def_.by_id.end()) {
          add("workflow.bpmn.unknown_ref", id,
              {{"element", "bpmn:sequenceFlow"},
               {"attribute", attribute},
               {"ref", clip(ref, 100)}});
          return std::nullopt;
        }
        return it->second;
      };
      SequenceFlow flow;
      flow.id = id;
      flow.name = el.attribute("name").value();
      const auto source = end("sourceRef");
      const auto target = end("targetRef");
      if (!source || !target) {
        if (source) info_[*source].dropped_out = true;
        if (target) info_[*target].dropped_in = true;
        continue;
      }
      flow.source = *source;
      flow.target = *target;
      for (pugi::xml_node c = first_element(el); c; c = next_element(c)) {
        if (!is_bpmn(c, "conditionExpression")) continue;
        const std::string_view language = trim(c.attribute("language").value());
        if (!language.empty() && language != "juel" && language != "JUEL" && language != "yiwang") {
          add("workflow.bpmn.script_condition", id,
              {{"element", "bpmn:sequenceFlow"}, {"language", clip(language, 40)}});
          ok = false;
          continue;
        }
        flow.condition = parse_condition(element_text(c), id, "bpmn:sequenceFlow");
        if (!flow.condition) ok = false;
      }
      // A flow whose condition is broken stays in the graph (without the
      // condition), so that the structure around it is still checked.
      const std::size_t index = def_.flows.size();
      def_.nodes[flow.source].outgoing.push_back(index);
      def_.nodes[flow.target].incoming.push_back(index);
      flow_by_id_.emplace(id, index);
      def_.flows.push_back(std::move(flow));
      bad_condition_.push_back(!ok);
    }
  }

  void link_boundaries() {
    for (std::size_t i = 0; i < def_.nodes.size(); ++i) {
      const NodeInfo& info = info_[i];
      if (!info.boundary_like) continue;
      if (info.attached_ref.empty()) {
        info_[i].detached = true;
        if (info.supported)
          add_node_problem("workflow.bpmn.missing_ref", i, {{"attribute", "attachedToRef"}});
        continue;
      }
      const auto it = def_.by_id.find(info.attached_ref);
      if (it == def_.by_id.end()) {
        info_[i].detached = true;
        if (info.supported)
          add_node_problem("workflow.bpmn.unknown_ref", i,
                           {{"attribute", "attachedToRef"}, {"ref", clip(info.attached_ref, 100)}});
        continue;
      }
      const std::size_t target = it->second;
      def_.nodes[i].attached_to = def_.nodes[target].id;
      def_.nodes[target].boundaries.push_back(i);
      const NodeKind kind = def_.nodes[target].kind;
      if (info.supported && info_[target].supported && kind != NodeKind::user_task &&
          kind != NodeKind::call_activity)
        add_node_problem(
            "workflow.bpmn.bad_attachment", i,
            {{"target", def_.nodes[target].id}, {"target_element", info_[target].qname}});
    }
  }

  void link_defaults() {
    for (std::size_t i = 0; i < def_.nodes.size(); ++i) {
      const NodeInfo& info = info_[i];
      if (!info.default_ref || !info.supported) continue;
      FlowNode& node = def_.nodes[i];
      const std::string& ref = *info.default_ref;
      const bool allowed =
          node.kind == NodeKind::exclusive_gateway || node.kind == NodeKind::inclusive_gateway ||
          node.kind == NodeKind::user_task || node.kind == NodeKind::service_task ||
          node.kind == NodeKind::call_activity;
      const auto it = flow_by_id_.find(ref);
      if (allowed && it != flow_by_id_.end() &&
          std::find(node.outgoing.begin(), node.outgoing.end(), it->second) !=
              node.outgoing.end()) {
        node.default_flow = it->second;
        continue;
      }
      // A default naming a flow that was dropped for its own problem is not reported again.
      if (allowed && it == flow_by_id_.end() && !ref.empty() && has_flow_element(ref)) continue;
      add_node_problem("workflow.bpmn.bad_default", i, {{"flow", ref}});
    }
  }

  bool has_flow_element(std::string_view id) const { return flow_ids_.contains(id); }

  // ----------------------------------------------------------------- checks

  static bool is_event(NodeKind k) {
    return k == NodeKind::start_event || k == NodeKind::end_event || k == NodeKind::timer_catch ||
           k == NodeKind::message_catch || k == NodeKind::signal_catch ||
           k == NodeKind::boundary_timer;
  }

  void check_flows() {
    for (std::size_t i = 0; i < def_.nodes.size(); ++i) {
      if (!info_[i].supported) continue;
      const FlowNode& node = def_.nodes[i];
      for (std::size_t f : node.outgoing) {
        const SequenceFlow& flow = def_.flows[f];
        if (flow.condition && (node.kind == NodeKind::parallel_gateway || is_event(node.kind))) {
          add("workflow.bpmn.condition_not_allowed", flow.id,
              {{"element", "bpmn:sequenceFlow"},
               {"source", node.id},
               {"source_element", info_[i].qname}});
        } else if (flow.condition && node.default_flow == f) {
          add("workflow.bpmn.default_with_condition", flow.id,
              {{"element", "bpmn:sequenceFlow"}, {"source", node.id}});
        }
      }
      const bool decides =
          node.kind == NodeKind::exclusive_gateway || node.kind == NodeKind::inclusive_gateway;
      if (decides && node.outgoing.size() > 1) {
        for (std::size_t f : node.outgoing) {
          if (!def_.flows[f].condition && !bad_condition_[f] && node.default_flow != f)
            add("workflow.bpmn.missing_condition", def_.flows[f].id,
                {{"element", "bpmn:sequenceFlow"},
                 {"gateway", node.id},
                 {"gateway_element", info_[i].qname}});
        }
      }
    }
  }

  void check_graph() {
    const std::size_t n = def_.nodes.size();
    if (n == 0) {
      add("workflow.bpmn.no_start");
      return;
    }
    // Successors and predecessors: the sequence flows, and an activity to
    // each boundary event attached to it.
    std::vector<std::vector<std::size_t>> succ(n), pred(n);
    for (const SequenceFlow& f : def_.flows) {
      succ[f.source].push_back(f.target);
      pred[f.target].push_back(f.source);
    }
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t b : def_.nodes[i].boundaries) {
        succ[i].push_back(b);
        pred[b].push_back(i);
      }
    }

    std::optional<std::size_t> start;
    for (std::size_t i = 0; i < n; ++i) {
      const FlowNode& node = def_.nodes[i];
      if (!info_[i].supported) continue;
      if (node.kind == NodeKind::start_event) {
        if (!start)
          start = i;
        else
          add_node_problem("workflow.bpmn.several_starts", i, {{"first", def_.nodes[*start].id}});
        if (!node.incoming.empty()) add_node_problem("workflow.bpmn.start_incoming", i);
      }
      if (node.kind == NodeKind::end_event && !node.outgoing.empty())
        add_node_problem("workflow.bpmn.end_outgoing", i);
      if (info_[i].boundary_like && !node.incoming.empty())
        add_node_problem("workflow.bpmn.boundary_incoming", i);
    }
    if (!start) add("workflow.bpmn.no_start");

    // A non-interrupting boundary timer with no outgoing flow is a reminder
    // (催办): the engine reminds the assignee and the path ends there.
    auto reminder = [&](std::size_t i) {
      const FlowNode& node = def_.nodes[i];
      return node.kind == NodeKind::boundary_timer && !node.cancel_activity &&
             node.outgoing.empty();
    };
    std::vector<bool> dead_end(n, false);
    for (std::size_t i = 0; i < n; ++i) {
      const NodeInfo& info = info_[i];
      if (info.supported && !info.end_like && !info.dropped_out && !reminder(i) &&
          def_.nodes[i].outgoing.empty()) {
        dead_end[i] = true;
        add_node_problem("workflow.bpmn.dead_end", i);
      }
    }

    // Forward from the start; nodes already reported (a dropped incoming flow,
    // an unsupported element nothing leads to) count as reached from somewhere.
    std::vector<bool> reached(n, !start.has_value());
    if (start) {
      std::vector<std::size_t> roots{*start};
      for (std::size_t i = 0; i < n; ++i) {
        const NodeInfo& info = info_[i];
        if (info.dropped_in || info.detached || (!info.supported && pred[i].empty()))
          roots.push_back(i);
      }
      reached = walk(roots, succ);
      for (std::size_t i = 0; i < n; ++i)
        if (!reached[i] && info_[i].supported && def_.nodes[i].kind != NodeKind::start_event)
          add_node_problem("workflow.bpmn.unreachable", i);
    }

    // Backward from the end events; likewise a node whose outgoing flow was
    // dropped, or an unsupported element leading nowhere, counts as an end.
    std::vector<std::size_t> end_nodes;
    bool any_end = false;
    for (std::size_t i = 0; i < n; ++i) {
      const NodeInfo& info = info_[i];
      any_end = any_end || info.end_like;
      if (info.end_like || info.dropped_out || reminder(i) || (!info.supported && succ[i].empty()))
        end_nodes.push_back(i);
    }
    const std::vector<bool> ends = walk(end_nodes, pred);
    if (!any_end) {
      add("workflow.bpmn.no_end");
    } else {
      for (std::size_t i = 0; i < n; ++i)
        if (!ends[i] && reached[i] && info_[i].supported && !dead_end[i])
          add_node_problem("workflow.bpmn.no_way_to_end", i);
    }

    if (start) check_joins(*start, succ, pred);
  }

  // Nodes reachable from any of `from` along `edges`.
  static std::vector<bool> walk(const std::vector<std::size_t>& from,
                                const std::vector<std::vector<std::size_t>>& edges) {
    std::vector<bool> seen(edges.size(), false);
    std::vector<std::size_t> stack = from;
    for (std::size_t v : from) seen[v] = true;
    while (!stack.empty()) {
      const std::size_t v = stack.back();
      stack.pop_back();
      for (std::size_t w : edges[v]) {
        if (!seen[w]) {
          seen[w] = true;
          stack.push_back(w);
        }
      }
    }
    return seen;
  }

  // A join waits for a token on every incoming flow (parallel) or every flow
  // that can still bring one (inclusive). Its immediate dominator must be the
  // fork that created the tokens: a parallel or inclusive gateway that splits.
  void check_joins(std::size_t start, const std::vector<std::vector<std::size_t>>& succ,
                   const std::vector<std::vector<std::size_t>>& pred) {
    const std::size_t n = succ.size();
    constexpr std::size_t kNone = static_cast<std::size_t>(-1);
    // Postorder numbers by an iterative depth-first search.
    std::vector<std::size_t> postorder(n, kNone), order;  // order: nodes by postorder
    std::vector<bool> visited(n, false);
    std::vector<std::pair<std::size_t, std::size_t>> stack{{start, 0}};
    visited[start] = true;
    while (!stack.empty()) {
      auto& [v, next] = stack.back();
      if (next < succ[v].size()) {
        const std::size_t w = succ[v][next++];
        if (!visited[w]) {
          visited[w] = true;
          stack.emplace_back(w, 0);
        }
      } else {
        postorder[v] = order.size();
        order.push_back(v);
        stack.pop_back();
      }
    }
    std::vector<std::size_t> idom(n, kNone);
    idom[start] = start;
    const auto intersect = [&](std::size_t a, std::size_t b) {
      while (a != b) {
        while (postorder[a] < postorder[b]) a = idom[a];
        while (postorder[b] < postorder[a]) b = idom[b];
      }
      return a;
    };
    for (bool changed = true; changed;) {
      changed = false;
      for (auto it = order.rbegin(); it != order.rend(); ++it) {  // reverse postorder
        const std::size_t b = *it;
        if (b == start) continue;
        std::size_t candidate = kNone;
        for (std::size_t p : pred[b]) {
          if (idom[p] == kNone) continue;
          candidate = candidate == kNone ? p : intersect(p, candidate);
        }
        if (candidate != kNone && idom[b] != candidate) {
          idom[b] = candidate;
          changed = true;
        }
      }
    }

    for (std::size_t j = 0; j < n; ++j) {
      const FlowNode& join = def_.nodes[j];
      if (!info_[j].supported || join.incoming.size() < 2 || idom[j] == kNone) continue;
      const bool parallel = join.kind == NodeKind::parallel_gateway;
      const bool inclusive = join.kind == NodeKind::inclusive_gateway;
      if (!parallel && !inclusive) continue;
      const std::size_t d = idom[j];
      const FlowNode& dom = def_.nodes[d];
      const bool fork =
          info_[d].supported && dom.outgoing.size() > 1 &&
          (dom.kind == NodeKind::parallel_gateway || dom.kind == NodeKind::inclusive_gateway);
      const bool bad =
          parallel ? !fork : info_[d].supported && dom.kind == NodeKind::exclusive_gateway;
      if (!bad) continue;
      add_node_problem("workflow.bpmn.join_without_fork", j,
                       {{"dominator", dom.id},
                        {"dominator_element", info_[d].qname},
                        {"detail", info_[d].qname + " " + dom.id}});
    }
  }

  // ---------------------------------------------------------------- diagram

  std::optional<Bounds> read_bounds(pugi::xml_node el, const std::string& field) {
    Bounds b;
    const std::pair<const char*, double*> parts[] = {
        {"x", &b.x}, {"y", &b.y}, {"width", &b.width}, {"height", &b.height}};
    for (const auto& [name, out] : parts) {
      const std::string_view text = el.attribute(name).value();
      const auto value = parse_number<double>(text);
      const bool size = name[0] == 'w' || name[0] == 'h';
      if (!value || !std::isfinite(*value) || std::fabs(*value) > kMaxCoordinate ||
          (size && *value < 0)) {
        add("workflow.bpmn.bad_diagram", field,
            {{"element", qname(el)}, {"attribute", name}, {"text", clip(text, 40)}});
        return std::nullopt;
      }
      *out = *value;
    }
    return b;
  }

  std::optional<Point> read_point(pugi::xml_node el, const std::string& field) {
    Point p;
    for (const auto& [name, out] : {std::pair<const char*, double*>{"x", &p.x}, {"y", &p.y}}) {
      const std::string_view text = el.attribute(name).value();
      const auto value = parse_number<double>(text);
      if (!value || !std::isfinite(*value) || std::fabs(*value) > kMaxCoordinate) {
        add("workflow.bpmn.bad_diagram", field,
            {{"element", qname(el)}, {"attribute", name}, {"text", clip(text, 40)}});
        return std::nullopt;
      }
      *out = *value;
    }
    return p;
  }

  pugi::xml_node child_in(pugi::xml_node el, std::string_view uri, std::string_view local) const {
    for (pugi::xml_node c = first_element(el); c; c = next_element(c))
      if (ns(c) == uri && local_of(c.name()) == local) return c;
    return {};
  }

  // The label bounds of a shape or edge, when it has a <bpmndi:BPMNLabel> with bounds.
  std::optional<Bounds> read_label(pugi::xml_node el, const std::string& field) {
    const pugi::xml_node label = child_in(el, kBpmnDiNs, "BPMNLabel");
    if (!label) return std::nullopt;
    const pugi::xml_node bounds = child_in(label, kDcNs, "Bounds");
    if (!bounds) return std::nullopt;
    return read_bounds(bounds, field);
  }

  // Shapes of the flow nodes and edges of the sequence flows, first
  // occurrence of each element winning; pools, lanes and annotations are left out.
  void read_diagram() {
    std::set<std::string, std::less<>> shaped, edged;
    for (pugi::xml_node diagram = first_element(root_); diagram; diagram = next_element(diagram)) {
      if (ns(diagram) != kBpmnDiNs || local_of(diagram.name()) != "BPMNDiagram") continue;
      for (pugi::xml_node plane = first_element(diagram); plane; plane = next_element(plane)) {
        if (ns(plane) != kBpmnDiNs || local_of(plane.name()) != "BPMNPlane") continue;
        for (pugi::xml_node el = first_element(plane); el; el = next_element(el)) {
          if (ns(el) != kBpmnDiNs) continue;
          const std::string element(strip_ref(el.attribute("bpmnElement").value()));
          const std::string_view local = local_of(el.name());
          if (local == "BPMNShape") {
            const auto node = def_.by_id.find(element);
            if (node == def_.by_id.end() || !info_[node->second].supported) continue;
            if (!shaped.insert(element).second) continue;
            const pugi::xml_node bounds = child_in(el, kDcNs, "Bounds");
            if (!bounds) {
              add("workflow.bpmn.bad_diagram", element,
                  {{"element", qname(el)}, {"attribute", "dc:Bounds"}, {"text", ""}});
              continue;
            }
            DiagramShape shape;
            shape.element = element;
            auto b = read_bounds(bounds, element);
            if (!b) continue;
            shape.bounds = *b;
            shape.label = read_label(el, element);
            def_.diagram.shapes.push_back(std::move(shape));
          } else if (local == "BPMNEdge") {
            if (!flow_by_id_.contains(element) || !edged.insert(element).second) continue;
            DiagramEdge edge;
            edge.element = element;
            bool ok = true;
            for (pugi::xml_node w = first_element(el); w && ok; w = next_element(w)) {
              if (ns(w) != kDiNs || local_of(w.name()) != "waypoint") continue;
              if (auto p = read_point(w, element))
                edge.waypoints.push_back(*p);
              else
                ok = false;
            }
            if (!ok) continue;
            edge.label = read_label(el, element);
            def_.diagram.edges.push_back(std::move(edge));
          }
        }
      }
    }
  }

  // ------------------------------------------------------------------ state

  pugi::xml_node root_;
  Problems problems_;
  bool full_ = false;
  std::unordered_map<const void*, std::string_view> element_ns_;
  std::unordered_map<const void*, std::string_view> attribute_ns_;
  std::map<std::string, std::string, std::less<>> messages_, signals_;
  std::vector<pugi::xml_node> flow_elements_;
  std::set<std::string, std::less<>> flow_ids_;  // ids of all <sequenceFlow> elements
  std::vector<bool> bad_condition_;              // parallel to def_.flows: condition dropped
  std::map<std::string, std::size_t, std::less<>> flow_by_id_;
  Definition def_;
  std::vector<NodeInfo> info_;  // parallel to def_.nodes
};

Problems one(std::string key, Params params = {}) {
  return Problems{Error(std::move(key), "", std::move(params))};
}

}  // namespace

std::expected<Definition, Problems> parse_bpmn(std::string_view xml) {
  if (xml.size() > kMaxBpmnBytes)
    return std::unexpected(
        one("workflow.bpmn.too_large",
            {{"size", std::to_string(xml.size())}, {"limit", std::to_string(kMaxBpmnBytes)}}));
  std::size_t bom = 0;
  if (xml.starts_with("\xEF\xBB\xBF")) bom = 3;
  if (const auto bad = invalid_utf8(xml.substr(bom)))
    return std::unexpected(one("workflow.bpmn.not_utf8", {{"offset", std::to_string(*bad + bom)}}));

  pugi::xml_document doc;
  const pugi::xml_parse_result result =
      doc.load_buffer(xml.data() + bom, xml.size() - bom, pugi::parse_default | pugi::parse_doctype,
                      pugi::encoding_utf8);
  if (!result)
    return std::unexpected(
        one("workflow.bpmn.not_xml",
            {{"detail", result.description()}, {"offset", std::to_string(result.offset + bom)}}));
  for (pugi::xml_node n = doc.first_child(); n; n = n.next_sibling())
    if (n.type() == pugi::node_doctype) return std::unexpected(one("workflow.bpmn.doctype"));
  const pugi::xml_node root = doc.document_element();
  if (!root)
    return std::unexpected(
        one("workflow.bpmn.not_xml", {{"detail", "no document element"}, {"offset", "0"}}));
  return Parser(root).run();
}

}  // namespace yiwang::workflow
