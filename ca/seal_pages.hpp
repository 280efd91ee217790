// Pieces of the seal and certificate pages (ca/seal_routes.cpp): labels in
// the request's language, the models of a seal, a certificate and the use
// log, file downloads, and the navigation links.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ca/authority.hpp"
#include "ca/seal_store.hpp"
#include "http/request.hpp"
#include "http/response.hpp"
#include "render/page_renderer.hpp"

namespace yiwang::ca {

// The links "印章" (/seals, ca.seal.read), "印章管理" (/security/seals,
// ca.seal.manage) and "证书" (/security/certificates, ca.certificate.manage)
// on the intranet.
void add_seal_nav(render::PageRenderer& pages);

// Localized names: 公章 / 业务专用章, a certificate's kind, a revocation
// reason, and a certificate's state now (有效, 已撤销, 已过期, 尚未生效).
std::string seal_kind_text(const render::PageRenderer& pages, const http::Request& req,
                           SealKind kind);
std::string certificate_kind_text(const render::PageRenderer& pages, const http::Request& req,
                                  CertificateKind kind);
std::string reason_text(const render::PageRenderer& pages, const http::Request& req,
                        RevocationReason reason);

// What a certificate is now, from its record: revoked, expired, not yet
// valid or valid.
CertificateState state_now(const CertificateRecord& record);
std::string state_text(const render::PageRenderer& pages, const http::Request& req,
                       CertificateState state);

// A stored time (Time or "YYYY-MM-DDTHH:MM:SSZ") in China time for people.
std::string china_time(Time t);

// A size in bytes for people: "512 字节", "12.5 KiB", "3.0 MiB".
std::string size_text(const render::PageRenderer& pages, const http::Request& req, long long bytes);

// The facts of a certificate for a page: kind, subject, serial, SM3
// fingerprint, validity in China time, state, and when revoked the time,
// reason and note.
nlohmann::json certificate_model(const render::PageRenderer& pages, const http::Request& req,
                                 const CertificateRecord& record);

// One row of a seal list; `base` is "/seals" or "/security/seals".
// `certificate` is the seal's certificate when it could be read.
nlohmann::json seal_row(const render::PageRenderer& pages, const http::Request& req,
                        const Seal& seal, const CertificateRecord* certificate,
                        const std::string& base);

// One row of the use log: time, signer, document, SM3 digest (shortened,
// with the full value for a title), size.
nlohmann::json use_row(const render::PageRenderer& pages, const http::Request& req,
                       const SealUse& use);

// A download: the body with its type, as an attachment named `filename`
// (a UTF-8 name is sent as RFC 6266 filename* with an ASCII fallback).
http::Response attachment(std::string body, std::string content_type, std::string_view filename);

// An image of a seal, with a policy that lets it load nothing else.
http::Response seal_image_response(std::string body, bool svg);

}  // namespace yiwang::ca
