#pragma once
// libarchive's reading side, loaded on first use (see util/shared_library.hpp for why it is
// not linked). Calls go through the table: archive_api().read_new().
#include <archive.h>
#include <archive_entry.h>

namespace tailor::install {

struct ArchiveApi {
  decltype(&::archive_read_new) read_new;
  decltype(&::archive_read_free) read_free;
  decltype(&::archive_read_support_format_tar) support_format_tar;
  decltype(&::archive_read_support_format_zip) support_format_zip;
  decltype(&::archive_read_support_filter_gzip) support_filter_gzip;
  decltype(&::archive_read_support_filter_xz) support_filter_xz;
  decltype(&::archive_read_support_filter_bzip2) support_filter_bzip2;
  decltype(&::archive_read_support_filter_zstd) support_filter_zstd;
  decltype(&::archive_read_support_filter_lzip) support_filter_lzip;
  decltype(&::archive_read_open_filename) read_open_filename;
  decltype(&::archive_read_next_header) read_next_header;
  decltype(&::archive_read_data_block) read_data_block;
  decltype(&::archive_error_string) error_string;
  decltype(&::archive_entry_pathname) entry_pathname;
  decltype(&::archive_entry_filetype) entry_filetype;
  decltype(&::archive_entry_perm) entry_perm;
  decltype(&::archive_entry_size) entry_size;
  decltype(&::archive_entry_size_is_set) entry_size_is_set;
  decltype(&::archive_entry_symlink) entry_symlink;
  decltype(&::archive_entry_hardlink) entry_hardlink;
};

// The table, loaded from libarchive.so.13 on the first call; throws util::MissingLibrary.
const ArchiveApi& archive_api();

}  // namespace tailor::install
