//! One `.npy` file, mapped: the header is read with the shared reader and checked
//! against the file's length before the map is made, so a header that claims more
//! than the file holds is an error, never a fault on a page past the end.

use super::MmapError;
use crate::npy::{self, shape_str, ByteOrder, HeaderError, NpyHeader, Scalar};
use memmap2::{Advice, Mmap, MmapOptions};
use std::fs::File;
use std::io::BufReader;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// A mapped `.npy` file whose header has been validated.
#[derive(Debug)]
pub(super) struct MappedNpy {
    map: Mmap,
    path: PathBuf,
    /// The header, whose element type is one of `accept`'s.
    pub header: NpyHeader,
    /// The element type (little-endian).
    pub scalar: Scalar,
    /// The data's bytes within the map.
    data: Range<usize>,
}

impl MappedNpy {
    /// Opens `path`, reads its header and checks it: an element type in `accept`,
    /// little-endian, `ndim` dimensions, at least one element, exactly as many data
    /// bytes as the shape needs, a data start aligned for the element type. Only
    /// then maps the file (read-only) and advises the kernel it will be read
    /// sequentially.
    pub fn open(path: &Path, accept: &[Scalar], ndim: usize) -> Result<Self, MmapError> {
        let io = |source| MmapError::Io {
            path: path.to_path_buf(),
            source,
        };
        let layout = |message: String| MmapError::Layout {
            path: path.to_path_buf(),
            message,
        };
        let file = File::open(path).map_err(io)?;
        let file_len = file.metadata().map_err(io)?.len();
        let header = npy::read_header(&mut BufReader::new(&file)).map_err(|e| match e {
            HeaderError::Io(source) => io(source),
            other => MmapError::Header {
                path: path.to_path_buf(),
                message: other.to_string(),
            },
        })?;
        let expected = || {
            let names: Vec<&str> = accept.iter().map(|s| s.name()).collect();
            names.join(" or ")
        };
        let (scalar, order) = header
            .scalar()
            .filter(|(s, _)| accept.contains(s))
            .ok_or_else(|| MmapError::Dtype {
                path: path.to_path_buf(),
                found: header.dtype_name(),
                expected: expected(),
            })?;
        if order != ByteOrder::NATIVE {
            return Err(layout(format!(
                "{} data in the other byte order cannot be read in place; \
                 rewrite it with `duckml convert` (or numpy's astype('{}'))",
                scalar.name(),
                scalar.descr()
            )));
        }
        if header.shape.len() != ndim {
            return Err(layout(format!(
                "expected a {ndim}-D array, found a {}-D array of shape {}",
                header.shape.len(),
                shape_str(&header.shape)
            )));
        }
        let shape = shape_str(&header.shape);
        let needed = header
            .data_bytes(scalar.size())
            .ok_or_else(|| layout(format!("shape {shape} is too large")))?;
        let available = file_len.saturating_sub(header.data_offset);
        if available < needed {
            return Err(MmapError::Truncated {
                path: path.to_path_buf(),
                shape,
                needed,
                available,
            });
        }
        if available > needed {
            return Err(layout(format!(
                "file has {} unexpected bytes after the data",
                available - needed
            )));
        }
        // Both fit in the file's length, which fits the address space once mapped.
        let start = usize::try_from(header.data_offset)
            .map_err(|_| layout("file is too large to map".into()))?;
        let len = usize::try_from(needed).map_err(|_| layout("file is too large to map".into()))?;
        // The map starts at a page boundary, so the data's alignment is the offset's.
        if start % scalar.size() != 0 {
            return Err(layout(format!(
                "the data start at byte {start}, not a multiple of {} ({}): the header \
                 was padded by a writer that is not numpy; rewrite it with `duckml convert`",
                scalar.size(),
                scalar.name()
            )));
        }
        // SAFETY: memmap2 maps are unsafe because another process could change the
        // file while it is mapped. The file is opened read-only here and never
        // written by this process; the module documents that others must not
        // rewrite it either (as numpy.memmap does). Every access below goes through
        // bounds-checked slices of the map.
        let map = unsafe { MmapOptions::new().map(&file) }.map_err(io)?;
        if map.len() < start + len {
            // The file shrank between the length check and the map.
            return Err(MmapError::Truncated {
                path: path.to_path_buf(),
                shape,
                needed,
                available: map.len().saturating_sub(start) as u64,
            });
        }
        // Advice only: a kernel that ignores it reads the same bytes.
        let _ = map.advise(Advice::Sequential);
        Ok(MappedNpy {
            map,
            path: path.to_path_buf(),
            header,
            scalar,
            data: start..start + len,
        })
    }

    /// The data as elements of `T` (whose size and alignment match `self.scalar`:
    /// the callers pick `T` from it).
    pub fn elements<T: bytemuck::Pod>(&self) -> &[T] {
        bytemuck::cast_slice(&self.map[self.data.clone()])
    }

    /// Asks the kernel to start reading elements `range` (of `elem_size` bytes each)
    /// now, ahead of the pass that is about to use them (memmap2 rounds the start
    /// down to a page).
    pub fn will_need(&self, range: Range<usize>, elem_size: usize) {
        let start = self.data.start + range.start * elem_size;
        let len = (range.end - range.start) * elem_size;
        // Advice only: a kernel that ignores it reads the same bytes.
        let _ = self.map.advise_range(Advice::WillNeed, start, len);
    }

    /// The file's path, for messages.
    pub fn path(&self) -> &Path {
        &self.path
    }
}
