// `tailor mirror push`: a plan's or lock's artifacts into an OCI registry (docs/fleets.md).
#include <algorithm>

#include "app/mirror_pull.hpp"
#include "app/mirror_push.hpp"
#include "command.hpp"
#include "fetch/curl_downloader.hpp"
#include "fetch/oci_client.hpp"
#include "install/plan_check.hpp"
#include "plan/plan_read.hpp"
#include "project/project_file.hpp"
#include "project/project_lock.hpp"
#include "util/canonical_json.hpp"
#include "util/fs.hpp"

namespace tailor::cli {
namespace {

struct PushFlags {
  std::string plan;
  std::string lock;
  std::vector<std::string> targets;
  bool all_targets = false;
  std::string destination;
  std::string tag;
  bool json = false;
};

Result<app::PushSource> read_source(const PushFlags& flags) {
  app::PushSource source;
  if (!flags.plan.empty()) {
    auto plan = install::read_plan_file(flags.plan);
    if (!plan) return fail(plan.error());
    source.kind = "plan";
    source.bytes = plan::plan_to_json(*plan).dump(2) + "\n";
    source.plans.push_back(std::move(*plan));
    return source;
  }
  std::string path = flags.lock.empty() ? std::string(project::k_lock_file) : flags.lock;
  // The file's own bytes are the config blob: what `install --locked --mirror` reads back.
  auto bytes = util::read_file(path, 64u << 20);
  if (!bytes) return fail(ErrorKind::usage, "cannot read lock file {}: {}", path, bytes.error().message);
  auto lock = project::parse_project_lock(*bytes, path);
  if (!lock) return fail(lock.error());
  source.kind = "lock";
  source.bytes = std::move(*bytes);
  // --target is compared in its canonical form ("linux/amd64" names the same as "linux/amd64/").
  std::vector<std::string> wanted;
  for (const std::string& text : flags.targets) {
    auto target = project::parse_lock_target(text);
    if (!target) return fail(target.error());
    wanted.push_back(project::format_lock_target(*target));
  }
  for (const project::ProjectLockEntry& entry : lock->entries) {
    if (!flags.all_targets && !wanted.empty() && std::find(wanted.begin(), wanted.end(), entry.target) == wanted.end())
      continue;
    auto plan = plan::plan_from_json(entry.plan);
    if (!plan)
      return fail(plan.error().kind, "{}: the plan of {} for {}: {}", path, entry.tool, entry.target,
                  plan.error().message);
    source.plans.push_back(std::move(*plan));
  }
  if (source.plans.empty()) return fail(ErrorKind::usage, "{} has no entry for the targets given", path);
  return source;
}

Result<int> run_push(const PushFlags& flags, const Context& ctx) {
  int sources = (flags.plan.empty() ? 0 : 1) + (flags.lock.empty() ? 0 : 1) + (flags.all_targets ? 1 : 0);
  if (sources != 1 && !(sources == 2 && !flags.lock.empty() && flags.all_targets)) {
    return fail(ErrorKind::usage, "mirror push needs one of --plan FILE, --lock FILE or --all-targets");
  }
  if (!flags.targets.empty() && flags.lock.empty()) return fail(ErrorKind::usage, "--target needs --lock FILE");
  auto where = fetch::parse_oci_url(flags.destination);
  if (!where) return fail(where.error());
  std::string tag = !flags.tag.empty() ? flags.tag : where->tag;
  if (!tag.empty() && !fetch::valid_oci_tag(tag)) {
    return fail(ErrorKind::usage, "invalid tag '{}': a tag is [A-Za-z0-9_][A-Za-z0-9._-]{{0,127}}", tag);
  }
  auto source = read_source(flags);
  if (!source) return fail(source.error());
  if (tag.empty()) tag = app::default_push_tag(*source);
  auto downloader = fetch::CurlDownloader::from_environment(&ctx.output, "mirror push");
  if (!downloader) return fail(downloader.error());
  fetch::OciClient client(*where, app::mirror_credentials((*downloader)->config(), *where), (*downloader)->config());
  const bool json = flags.json || ctx.output.json;
  auto progress = [&](const app::PushedArtifact& a) {
    if (json) return;
    ctx.output.info("  {} {} ({} bytes, sha256:{})", a.uploaded ? "uploaded" : "exists  ", a.name, a.size,
                    a.sha256.substr(0, 12));
  };
  if (!json) ctx.output.info("pushing to {}", where->reference(false));
  auto report = app::push_to_registry(*source, tag, **downloader, client, progress);
  if (!report) return fail(report.error());
  std::size_t uploaded = 0;
  for (const auto& a : report->artifacts) uploaded += a.uploaded ? 1 : 0;
  if (json) {
    nlohmann::ordered_json doc{{"reference", report->reference},
                               {"tag", report->tag},
                               {"manifest_digest", report->manifest_digest},
                               {"uploaded", uploaded},
                               {"skipped", report->artifacts.size() - uploaded},
                               {"upload_requests", report->upload_requests},
                               {"artifacts", nlohmann::ordered_json::array()}};
    for (const auto& a : report->artifacts) {
      doc["artifacts"].push_back({{"name", a.name},
                                  {"url", a.url},
                                  {"sha256", a.sha256},
                                  {"size", a.size},
                                  {"uploaded", a.uploaded},
                                  {"downloaded", a.downloaded}});
    }
    ctx.output.write(util::canonical_json(doc));
    return 0;
  }
  ctx.output.print("pushed {} ({} uploaded, {} already there; manifest {})\n", report->reference, uploaded,
                   report->artifacts.size() - uploaded, report->manifest_digest);
  return 0;
}

const bool k_registered = register_command(
    {"mirror", "Copy the artifacts of a plan or lock into an OCI registry for a fleet",
     [](CLI::App& app, Context& ctx) -> RunFn {
       auto flags = std::make_shared<PushFlags>();
       app.require_subcommand(1);
       CLI::App* push = app.add_subcommand("push", "Push every artifact and a tagged manifest to oci://HOST/NAMESPACE");
       push->add_option("--plan", flags->plan, "Plan file (JSON, format 5)");
       push->add_option("--lock", flags->lock, "Project lock file (tailor.lock)");
       push->add_option("--target", flags->targets, "Only this target of the lock (repeatable)")
           ->allow_extra_args(false);
       push->add_flag("--all-targets", flags->all_targets, "Every target of the lock (./tailor.lock without --lock)");
       push->add_option("destination", flags->destination, "oci://HOST[:PORT]/NAMESPACE[:TAG]")->required();
       push->add_option("--tag", flags->tag, "Tag of the manifest (default: the plan's or lock's SHA-256)");
       push->add_flag("--json", flags->json, "Print a JSON summary");
       push->footer("Fleet recipe: docs/fleets.md");
       return [flags, &ctx]() -> Result<int> { return run_push(*flags, ctx); };
     }});

}  // namespace
}  // namespace tailor::cli
