#include "app/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "http/request_context.hpp"

namespace yiwang::app {

namespace {
// %* in a pattern: the current request id.
class RequestIdFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg&, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    auto id = http::current_request_id();
    dest.append(id.data(), id.data() + id.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<RequestIdFlag>();
  }
};
}  // namespace

void setup_logging(const Config& config) {
  auto main =
      std::make_shared<spdlog::logger>("yiwang", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
  formatter->add_flag<RequestIdFlag>('*').set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ [%*] %v");
  main->set_formatter(std::move(formatter));
  main->set_level(spdlog::level::from_str(config.log_level));
  spdlog::set_default_logger(main);

  spdlog::drop("access");
  if (config.access_log == "off") return;
  std::shared_ptr<spdlog::logger> access;
  if (config.access_log == "stderr") {
    access = spdlog::stderr_logger_mt("access");
  } else {
    std::filesystem::path path = config.access_log;
    if (path.is_relative()) path = config.data_dir / path;
    access = spdlog::basic_logger_mt("access", path.string());
  }
  access->set_pattern("%v");
  access->set_level(spdlog::level::info);
  access->flush_on(spdlog::level::warn);
}

}  // namespace yiwang::app
