// `tailor init`: a starter tailor.toml in the working directory (docs/projects.md).
#include <filesystem>

#include "command.hpp"
#include "project/project_file.hpp"
#include "util/fs.hpp"

namespace tailor::cli {
namespace {

struct InitFlags {
  bool force = false;
};

Result<int> run_init(const InitFlags& flags, const Context& ctx) {
  const std::filesystem::path path = std::filesystem::current_path() / project::k_project_file;
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && !flags.force)
    return fail(ErrorKind::failure, "{} already exists; --force replaces it", path.string());
  if (auto written = util::write_file_atomic(path, project::starter_project_file()); !written)
    return fail(written.error());
  ctx.output.print("wrote {}\n", path.string());
  ctx.output.info("list tools under [tools], then `tailor install` installs them and `tailor resolve` locks them");
  return 0;
}

const bool k_registered =
    register_command({"init", "Write a starter tailor.toml (the project's tools) in the working directory",
                      [](CLI::App& app, Context& ctx) -> RunFn {
                        auto flags = std::make_shared<InitFlags>();
                        app.add_flag("--force", flags->force, "Replace an existing tailor.toml");
                        return [flags, &ctx]() -> Result<int> { return run_init(*flags, ctx); };
                      }});

}  // namespace
}  // namespace tailor::cli
