#include "crypto/sealed.hpp"

#include "crypto/sm3.hpp"
#include "crypto/sm4.hpp"

namespace yiwang::crypto {

namespace {
constexpr char kVersion = 1;

void put_u32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}

std::uint32_t get_u32(std::string_view in) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = v << 8 | static_cast<unsigned char>(in[i]);
  return v;
}

Sm3Digest tag_of(const DataKey& key, std::string_view head_and_ct, std::size_t head,
                 std::string_view context) {
  // version ‖ key id ‖ IV ‖ len(context) ‖ context ‖ ciphertext
  std::string mac_input(head_and_ct.substr(0, head));
  put_u32(mac_input, static_cast<std::uint32_t>(context.size()));
  mac_input.append(context);
  mac_input.append(head_and_ct.substr(head));
  return hmac_sm3(key.mac_key.view(), mac_input);
}
}  // namespace

DataKey DataKey::derive(std::uint32_t id, std::string_view material) {
  DataKey k;
  k.id = id;
  k.enc_key = Secret(hkdf_sm3(material, "", "yiwang sealed sm4-ctr", kSm4KeySize));
  k.mac_key = Secret(hkdf_sm3(material, "", "yiwang sealed hmac-sm3", 32));
  return k;
}

std::string seal(const DataKey& key, std::string_view plaintext, std::string_view context) {
  std::string out;
  out.reserve(plaintext.size() + kSealedOverhead);
  out += kVersion;
  put_u32(out, key.id);
  std::string iv = random_bytes(kSm4BlockSize);
  out += iv;
  out += sm4_ctr(key.enc_key.view(), iv, plaintext);
  Sm3Digest tag = tag_of(key, out, 1 + 4 + kSm4BlockSize, context);
  out.append(bytes_of(tag));
  return out;
}

std::optional<std::uint32_t> sealed_key_id(std::string_view sealed) {
  if (sealed.size() < kSealedOverhead || sealed[0] != kVersion) return std::nullopt;
  return get_u32(sealed.substr(1));
}

Result<std::string> open_sealed(const DataKey& key, std::string_view sealed,
                                std::string_view context) {
  auto id = sealed_key_id(sealed);
  if (!id) return fail("crypto.sealed.malformed");
  if (*id != key.id) return fail("crypto.sealed.wrong_key", "", {{"id", std::to_string(*id)}});
  std::size_t head = 1 + 4 + kSm4BlockSize;
  std::string_view body = sealed.substr(0, sealed.size() - 32);
  Sm3Digest tag = tag_of(key, body, head, context);
  if (!equal(bytes_of(tag), sealed.substr(sealed.size() - 32)))
    return fail("crypto.sealed.altered");
  return sm4_ctr(key.enc_key.view(), body.substr(1 + 4, kSm4BlockSize), body.substr(head));
}

}  // namespace yiwang::crypto
