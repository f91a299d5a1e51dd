// `tailor fetch-urls URL[#sha256=HEX]...`: developer command (hidden) that downloads URLs
// through the real downloader, for benchmarks and command-level tests of the host pool.
#include "command.hpp"
#include "fetch/curl_downloader.hpp"
#include "util/canonical_json.hpp"

namespace tailor::cli {
namespace {

struct FetchUrlsFlags {
  std::vector<std::string> urls;
  int parallel = 0;
  std::string strategy;
  bool json = false;
};

// A checksum rides in the URL fragment, which is never sent to the server.
fetch::FetchRequest request_for(const std::string& text) {
  fetch::FetchRequest request;
  request.url = text;
  if (auto mark = text.find("#sha256="); mark != std::string::npos) {
    request.url = text.substr(0, mark);
    request.expected_sha256 = text.substr(mark + 8);
  }
  return request;
}

Result<int> run(const FetchUrlsFlags& flags, const Context& ctx) {
  auto options = fetch::options_from_environment(&ctx.output, "fetch-urls");
  if (!options) return fail(options.error());
  if (flags.parallel > 0) options->config.parallel = flags.parallel;
  if (flags.strategy == "failover") options->config.strategy = fetch::Strategy::failover;
  if (flags.strategy == "round-robin") options->config.strategy = fetch::Strategy::round_robin;
  if (flags.strategy == "least-busy") options->config.strategy = fetch::Strategy::least_busy;
  fetch::CurlDownloader configured(std::move(*options));
  std::vector<fetch::FetchRequest> requests;
  for (const auto& url : flags.urls) requests.push_back(request_for(url));
  auto files = configured.fetch_all(requests);
  if (!files) return fail(files.error());
  if (flags.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& file : *files) {
      out.push_back({{"path", file.path.string()},
                     {"sha256", file.sha256},
                     {"size", file.size},
                     {"served_by", file.served_by},
                     {"from_cache", file.from_cache}});
    }
    ctx.output.write(util::canonical_json(out));
  } else {
    for (const auto& file : *files) ctx.output.print("{}  {}  {}\n", file.sha256, file.path.string(), file.served_by);
  }
  return 0;
}

const bool k_registered = register_command(
    {"fetch-urls", "Developer command: download URLs through the host pool", [](CLI::App& app, Context& ctx) -> RunFn {
       auto flags = std::make_shared<FetchUrlsFlags>();
       app.group("");  // hidden from --help: not a user command
       app.add_option("urls", flags->urls, "URL, optionally with #sha256=HEX")->required();
       app.add_option("--parallel", flags->parallel, "Downloads in flight (overrides [fetch] parallel)")
           ->check(CLI::Range(1, 64));
       app.add_option("--strategy", flags->strategy, "failover, round-robin or least-busy")
           ->check(CLI::IsMember({"failover", "round-robin", "least-busy"}));
       app.add_flag("--json", flags->json, "Print JSON");
       return [flags, &ctx]() -> Result<int> { return run(*flags, ctx); };
     }});

}  // namespace
}  // namespace tailor::cli
