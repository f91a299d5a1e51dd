// Push a plan into a real registry (docker-registry on 127.0.0.1) and read it back: the
// manifest, its config and its layers, fetched through an oci:// mirror with the origin gone.
#include <doctest/doctest.h>

#include <memory>

#include "app/mirror_pull.hpp"
#include "app/mirror_push.hpp"
#include "fetch/curl_downloader.hpp"
#include "plan/plan_read.hpp"
#include "support/archive_builder.hpp"
#include "support/https_server.hpp"
#include "support/oci_registry.hpp"
#include "support/scratch.hpp"

namespace tailor::app {

TEST_CASE("a pushed plan reads back from the registry and installs from it alone") {
  test::OciRegistry registry;
  REQUIRE_MESSAGE(
      registry.running(),
      "no OCI registry to test against (docker-registry is in scripts/install-deps.sh): " << registry.error());
  auto origin = std::make_unique<test::HttpsServer>();
  test::ToolRelease tool = test::make_tool_release("hello", "1.0.0");
  origin->add("/" + tool.file_name(), tool.bytes);
  PushSource source;
  source.kind = "plan";
  const nlohmann::ordered_json plan = test::make_tool_plan(tool, origin->url("/" + tool.file_name()));
  auto value = plan::plan_from_json(plan);
  REQUIRE_MESSAGE(value, value.error().message);
  source.plans.push_back(std::move(*value));
  source.bytes = plan.dump(2);

  fetch::DownloaderOptions options;
  options.home = test::fresh_dir("home");
  options.config.ca_bundle = registry.ca_file().string();
  fetch::CurlDownloader pusher(options);
  auto where = fetch::parse_oci_url(registry.oci_url("fleet/tools"));
  REQUIRE(where);
  fetch::OciClient client(*where, {}, pusher.config());
  auto report = push_to_registry(source, "v1", pusher, client, nullptr);
  REQUIRE_MESSAGE(report, report.error().message);

  auto pulled = pull_manifest(client, "v1");
  REQUIRE_MESSAGE(pulled, pulled.error().message);
  CHECK(pulled->kind == "plan");
  CHECK(pulled->config == source.bytes);
  REQUIRE(pulled->artifacts.size() == 1);
  CHECK(pulled->artifacts[0].name == tool.file_name());
  CHECK(pulled->artifacts[0].sha256 == tool.sha256);
  CHECK(pulled->artifacts[0].size == tool.bytes.size());

  origin.reset();
  fetch::DownloaderOptions fleet = options;
  fleet.home = test::fresh_dir("home");
  fetch::Mirror mirror{"", registry.oci_url("fleet/tools"), "fleet", ""};
  mirror.oci = true;
  fleet.config.mirrors = {mirror};
  fetch::CurlDownloader downloader(fleet);
  auto files = downloader.fetch_all(fetch_requests(*pulled));
  REQUIRE_MESSAGE(files, files.error().message);
  CHECK((*files)[0].sha256 == tool.sha256);

  auto missing = pull_manifest(client, "no-such-tag");
  CHECK_FALSE(missing);

  // A config blob changed on the registry's disk is refused.
  test::write_text(registry.blob_data(test::sha256_hex(source.bytes)), source.bytes + " ");
  auto tampered = pull_manifest(client, "v1");
  REQUIRE_FALSE(tampered);
  CHECK(tampered.error().kind == ErrorKind::checksum);
}

}  // namespace tailor::app
