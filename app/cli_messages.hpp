// Messages of the `yiwang` command line: the catalogue (web/i18n) in the
// language chosen with --lang, and how a failed command reports its error.
#pragma once

#include <iostream>
#include <map>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "render/catalogue.hpp"

namespace yiwang::app {

// Catalogue for command-line messages (loaded lazily from the share dir).
struct Messages {
  render::Catalogue catalogue;
  std::string lang;
  std::string operator()(const Error& e) const { return catalogue.message(lang, e); }
  std::string text(std::string_view key, const std::map<std::string, std::string>& p = {}) const {
    return catalogue.text(lang, key, p);
  }
};

// Prints the error on standard error as "yiwang: <message>" and returns the
// exit status of a failed command (1).
inline int report(const Messages& msg, const Error& e) {
  std::string text = msg(e);
  if (!msg.catalogue.has(msg.lang, e.key)) {
    // No catalogue (e.g. the catalogue itself failed to load): say it raw.
    text = e.key;
    for (const auto& [k, v] : e.params) text += " " + k + "=" + v;
  }
  std::cerr << "yiwang: " << text << "\n";
  return 1;
}

}  // namespace yiwang::app
