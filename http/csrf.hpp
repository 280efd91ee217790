// CSRF protection for HTML forms by the double-submit pattern: a random token
// in an HttpOnly, SameSite=Strict cookie and the same token in a hidden form
// field `_csrf`. The application's authorisation hook checks every
// state-changing request to an HTML route; pages with forms call
// csrf_token() to get the token for their hidden field.
#pragma once

#include <string>

#include "http/form_data.hpp"
#include "http/request.hpp"
#include "http/response.hpp"

namespace yiwang::http {

inline constexpr const char* kCsrfCookie = "yw_csrf";
inline constexpr const char* kCsrfField = "_csrf";

// The request's token, or a new one set as a cookie on the response.
std::string csrf_token(const Request& req, Response& res);

// Whether the form's `_csrf` field matches the cookie (constant time).
bool csrf_valid(const Request& req, const FormData& form);
// Whether a token sent another way (the X-CSRF-Token header of API calls made
// with a session cookie) matches the cookie (constant time).
bool csrf_header_valid(const Request& req, std::string_view value);

// 32 random bytes as 64 hex digits.
std::string random_token();

// Whether text has the shape of random_token() (cookies are checked before use).
bool is_random_token(std::string_view text);

}  // namespace yiwang::http
