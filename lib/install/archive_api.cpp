#include "install/archive_api.hpp"

#include "util/shared_library.hpp"

namespace tailor::install {

const ArchiveApi& archive_api() {
  static const ArchiveApi k_api = [] {
    util::SharedLibrary lib("libarchive.so.13", "libarchive13");
    ArchiveApi a{};
    lib.bind(a.read_new, "archive_read_new");
    lib.bind(a.read_free, "archive_read_free");
    lib.bind(a.support_format_tar, "archive_read_support_format_tar");
    lib.bind(a.support_format_zip, "archive_read_support_format_zip");
    lib.bind(a.support_filter_gzip, "archive_read_support_filter_gzip");
    lib.bind(a.support_filter_xz, "archive_read_support_filter_xz");
    lib.bind(a.support_filter_bzip2, "archive_read_support_filter_bzip2");
    lib.bind(a.support_filter_zstd, "archive_read_support_filter_zstd");
    lib.bind(a.support_filter_lzip, "archive_read_support_filter_lzip");
    lib.bind(a.read_open_filename, "archive_read_open_filename");
    lib.bind(a.read_next_header, "archive_read_next_header");
    lib.bind(a.read_data_block, "archive_read_data_block");
    lib.bind(a.error_string, "archive_error_string");
    lib.bind(a.entry_pathname, "archive_entry_pathname");
    lib.bind(a.entry_filetype, "archive_entry_filetype");
    lib.bind(a.entry_perm, "archive_entry_perm");
    lib.bind(a.entry_size, "archive_entry_size");
    lib.bind(a.entry_size_is_set, "archive_entry_size_is_set");
    lib.bind(a.entry_symlink, "archive_entry_symlink");
    lib.bind(a.entry_hardlink, "archive_entry_hardlink");
    return a;
  }();
  return k_api;
}

}  // namespace tailor::install
