#include "ca/seal_signature.hpp"

#include <array>
#include <charconv>

#include <nlohmann/json.hpp>

#include "crypto/bytes.hpp"

namespace yiwang::ca {

namespace {

constexpr std::string_view kFirstLine = "yiwang-seal/1";
constexpr std::string_view kFormat = "yiwang-seal-signature/1";
constexpr std::string_view kTrailer = "\n%YIWANG-SEAL-1 ";

constexpr std::array<std::string_view, 12> kNames = {
    "digest-algorithm", "digest", "size",           "document", "organ",      "organ-code", "seal",
    "seal-id",          "signer", "signer-account", "time",     "certificate"};

std::string one_line(std::string_view v) {
  std::string out(v);
  for (auto& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return out;
}

std::optional<long long> number(std::string_view s) {
  long long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

bool hex_text(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace

std::string seal_tbs(const SealClaims& c) {
  std::array<std::string, 12> values = {"SM3",
                                        c.digest,
                                        std::to_string(c.size),
                                        c.document,
                                        c.organ,
                                        c.organ_code,
                                        c.seal,
                                        std::to_string(c.seal_id),
                                        c.signer,
                                        c.signer_account,
                                        format_time(c.signed_at),
                                        c.certificate};
  std::string out(kFirstLine);
  out += "\n";
  for (std::size_t i = 0; i < kNames.size(); ++i)
    out += std::string(kNames[i]) + ": " + one_line(values[i]) + "\n";
  return out;
}

Result<SealClaims> parse_seal_tbs(std::string_view text) {
  auto bad = [] { return fail("ca.signature.malformed"); };
  std::array<std::string, 12> values;
  std::size_t pos = 0;
  auto next_line = [&]() -> std::optional<std::string_view> {
    auto nl = text.find('\n', pos);
    if (nl == std::string_view::npos) return std::nullopt;
    auto line = text.substr(pos, nl - pos);
    pos = nl + 1;
    return line;
  };
  auto first = next_line();
  if (!first || *first != kFirstLine) return bad();
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    auto line = next_line();
    std::string prefix = std::string(kNames[i]) + ": ";
    if (!line || !line->starts_with(prefix)) return bad();
    values[i] = std::string(line->substr(prefix.size()));
  }
  if (pos != text.size() || values[0] != "SM3") return bad();
  SealClaims c;
  c.digest = values[1];
  auto size = number(values[2]);
  auto seal_id = number(values[7]);
  auto at = parse_time(values[10]);
  if (!hex_text(c.digest) || c.digest.size() != 64 || !size || !seal_id || !at ||
      !hex_text(values[11]))
    return bad();
  c.size = *size;
  c.document = values[3];
  c.organ = values[4];
  c.organ_code = values[5];
  c.seal = values[6];
  c.seal_id = *seal_id;
  c.signer = values[8];
  c.signer_account = values[9];
  c.signed_at = *at;
  c.certificate = values[11];
  // What was parsed must write back to the same text: one form only.
  if (seal_tbs(c) != text) return bad();
  return c;
}

std::string signature_json(const SignatureFile& f) {
  nlohmann::json j = {{"format", kFormat},
                      {"signed", f.signed_text},
                      {"signature", crypto::base64(f.signature)},
                      {"certificate", f.certificate_pem}};
  return j.dump(2) + "\n";
}

Result<SignatureFile> parse_signature_json(std::string_view json) {
  auto j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object() || j.value("format", "") != kFormat)
    return fail("ca.signature.malformed");
  for (const char* k : {"signed", "signature", "certificate"})
    if (!j.contains(k) || !j[k].is_string()) return fail("ca.signature.malformed");
  auto sig = crypto::unbase64(j["signature"].get<std::string>());
  if (!sig) return fail("ca.signature.malformed");
  return SignatureFile{j["signed"].get<std::string>(), *sig, j["certificate"].get<std::string>()};
}

std::string embed_signature(std::string_view content, const SignatureFile& file) {
  std::string out(content);
  out += kTrailer;
  out += crypto::base64(signature_json(file));
  out += "\n";
  return out;
}

std::optional<std::pair<std::string, SignatureFile>> extract_signature(std::string_view document) {
  auto at = document.rfind(kTrailer);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = document.substr(at + kTrailer.size());
  if (!rest.ends_with("\n")) return std::nullopt;
  rest.remove_suffix(1);
  auto json = crypto::unbase64(rest);
  if (!json) return std::nullopt;
  auto file = parse_signature_json(*json);
  if (!file) return std::nullopt;
  return std::pair{std::string(document.substr(0, at)), *file};
}

}  // namespace yiwang::ca
