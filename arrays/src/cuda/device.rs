//! Devices, lanes (a stream and a cuBLAS handle) and the compiled kernels.

use super::kernels::{self, FAMILIES};
use super::CudaError;
use crate::element::Float;
use cudarc::cublas::{CudaBlas, Gemm, GemmConfig, Gemv, GemvConfig};
use cudarc::driver::{
    CudaContext, CudaFunction, CudaSlice, CudaStream, CudaView, CudaViewMut, DeviceRepr,
    LaunchConfig, ValidAsZeroBits,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Threads per block of every launch (`DM_BLOCK` in `device_prelude.cuh`).
pub(crate) const BLOCK: u32 = 256;
/// Most blocks of an elementwise launch (the kernels loop over the rest).
const MAX_BLOCKS: usize = 1 << 16;
/// Most blocks of a reduction, hence most partial sums copied to the host per reduction.
pub const MAX_REDUCE_BLOCKS: usize = 1024;

/// Element types the GPU backend supports: `f32` and `f64`.
pub trait CudaFloat: Float + DeviceRepr + ValidAsZeroBits + private::Sealed {
    /// The C type the kernels are compiled with.
    const REAL: &'static str;
    #[doc(hidden)]
    fn slot(dev: &Device) -> &OnceLock<Result<Arc<Kernels>, CudaError>>;
    #[doc(hidden)]
    fn gemv(
        blas: &CudaBlas,
        cfg: GemvConfig<Self>,
        a: &CudaView<'_, Self>,
        x: &CudaView<'_, Self>,
        y: &mut CudaViewMut<'_, Self>,
    ) -> Result<(), CudaError>;
    #[doc(hidden)]
    fn gemm(
        blas: &CudaBlas,
        cfg: GemmConfig<Self>,
        a: &CudaView<'_, Self>,
        b: &CudaView<'_, Self>,
        c: &mut CudaViewMut<'_, Self>,
    ) -> Result<(), CudaError>;
}

mod private {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

macro_rules! cuda_float {
    ($t:ty, $real:expr, $field:ident) => {
        impl CudaFloat for $t {
            const REAL: &'static str = $real;
            fn slot(dev: &Device) -> &OnceLock<Result<Arc<Kernels>, CudaError>> {
                &dev.$field
            }
            fn gemv(
                blas: &CudaBlas,
                cfg: GemvConfig<Self>,
                a: &CudaView<'_, Self>,
                x: &CudaView<'_, Self>,
                y: &mut CudaViewMut<'_, Self>,
            ) -> Result<(), CudaError> {
                // SAFETY: callers size the views for `cfg` (checked in debug builds).
                unsafe { <CudaBlas as Gemv<$t>>::gemv(blas, cfg, a, x, y) }
                    .map_err(|e| CudaError::Device(format!("cuBLAS gemv: {e:?}")))
            }
            fn gemm(
                blas: &CudaBlas,
                cfg: GemmConfig<Self>,
                a: &CudaView<'_, Self>,
                b: &CudaView<'_, Self>,
                c: &mut CudaViewMut<'_, Self>,
            ) -> Result<(), CudaError> {
                // SAFETY: as for gemv.
                unsafe { <CudaBlas as Gemm<$t>>::gemm(blas, cfg, a, b, c) }
                    .map_err(|e| CudaError::Device(format!("cuBLAS gemm: {e:?}")))
            }
        }
    };
}
cuda_float!(f32, "float", kernels_f32);
cuda_float!(f64, "double", kernels_f64);

/// One GPU: its context and, per element type, the loaded kernels.
#[derive(Debug)]
pub struct Device {
    ordinal: usize,
    ctx: Arc<CudaContext>,
    kernels_f32: OnceLock<Result<Arc<Kernels>, CudaError>>,
    kernels_f64: OnceLock<Result<Arc<Kernels>, CudaError>>,
}

/// The kernels of every family, loaded on one device for one element type.
#[derive(Debug)]
pub struct Kernels {
    functions: HashMap<&'static str, CudaFunction>,
}

/// The PTX of every family for `real`, compiled once per process.
fn ptx_for(real: &'static str) -> Result<Vec<(&'static str, String)>, CudaError> {
    static F32: OnceLock<Result<Vec<(&'static str, String)>, CudaError>> = OnceLock::new();
    static F64: OnceLock<Result<Vec<(&'static str, String)>, CudaError>> = OnceLock::new();
    let slot = if real == "float" { &F32 } else { &F64 };
    slot.get_or_init(|| kernels::compile_all(real)).clone()
}

fn driver_err(what: &str, e: impl std::fmt::Debug) -> CudaError {
    CudaError::Device(format!("{what}: {e:?}"))
}

impl Device {
    fn kernels<F: CudaFloat>(&self) -> Result<Arc<Kernels>, CudaError> {
        F::slot(self)
            .get_or_init(|| {
                let mut functions = HashMap::new();
                for ((name, ptx), fam) in ptx_for(F::REAL)?.into_iter().zip(FAMILIES.iter()) {
                    debug_assert_eq!(name, fam.name);
                    let module = self
                        .ctx
                        .load_module(cudarc::nvrtc::Ptx::from_src(ptx))
                        .map_err(|e| driver_err("loading the kernels", e))?;
                    for &k in fam.kernels {
                        let f = module
                            .load_function(k)
                            .map_err(|e| driver_err(&format!("kernel {k}"), e))?;
                        functions.insert(k, f);
                    }
                }
                Ok(Arc::new(Kernels { functions }))
            })
            .clone()
    }
}

/// Checks that the CUDA libraries cudarc would load are present (cudarc panics when one
/// is missing, so this must come before any other cudarc call).
fn libraries_present() -> Result<(), CudaError> {
    // SAFETY: each call only tries to open a shared library.
    let (driver, blas, nvrtc) = unsafe {
        (
            cudarc::driver::sys::is_culib_present(),
            cudarc::cublas::sys::is_culib_present(),
            cudarc::nvrtc::sys::is_culib_present(),
        )
    };
    let missing: Vec<&str> = [
        (driver, "the CUDA driver (libcuda)"),
        (blas, "cuBLAS (libcublas)"),
        (nvrtc, "NVRTC (libnvrtc)"),
    ]
    .iter()
    .filter(|(present, _)| !present)
    .map(|(_, name)| *name)
    .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(CudaError::NoGpu(format!(
            "{} could not be loaded",
            missing.join(", ")
        )))
    }
}

fn init_devices() -> Result<Vec<Arc<Device>>, CudaError> {
    libraries_present()?;
    let count = CudaContext::device_count()
        .map_err(|e| CudaError::NoGpu(format!("the CUDA driver found no usable device ({e:?})")))?;
    if count <= 0 {
        return Err(CudaError::NoGpu("the CUDA driver reports 0 devices".into()));
    }
    (0..count as usize)
        .map(|ordinal| {
            let ctx = CudaContext::new(ordinal)
                .map_err(|e| CudaError::NoGpu(format!("device {ordinal}: {e:?}")))?;
            Ok(Arc::new(Device {
                ordinal,
                ctx,
                kernels_f32: OnceLock::new(),
                kernels_f64: OnceLock::new(),
            }))
        })
        .collect()
}

/// The visible devices (initialised once per process).
pub(crate) fn devices() -> Result<&'static [Arc<Device>], CudaError> {
    static DEVICES: OnceLock<Result<Vec<Arc<Device>>, CudaError>> = OnceLock::new();
    match DEVICES.get_or_init(init_devices) {
        Ok(d) => Ok(d),
        Err(e) => Err(e.clone()),
    }
}

/// `Ok(())` when a GPU can be used, else why not ([`CudaError::NoGpu`]). Never panics.
pub fn available() -> Result<(), CudaError> {
    devices().map(|_| ())
}

/// Number of usable GPUs (0 when there is none or a CUDA library is missing).
pub fn device_count() -> usize {
    devices().map_or(0, |d| d.len())
}

/// A stream and a cuBLAS handle on one device: where one matrix's work runs.
#[derive(Debug)]
pub(crate) struct Lane {
    pub(crate) dev: Arc<Device>,
    pub(crate) stream: Arc<CudaStream>,
    blas: Mutex<CudaBlas>,
}

/// Panics with a CUDA error from inside the contract's infallible operations.
pub(crate) fn ok<T, E: std::fmt::Debug>(r: Result<T, E>, what: &str) -> T {
    r.unwrap_or_else(|e| panic!("duckml cuda: {what} failed: {e:?}"))
}

impl Lane {
    /// A new lane (its own stream) on device `ordinal % device_count`, with the kernels
    /// for `F` loaded.
    pub(crate) fn new<F: CudaFloat>(ordinal: usize) -> Result<Arc<Lane>, CudaError> {
        let devs = devices()?;
        let dev = devs[ordinal % devs.len()].clone();
        dev.kernels::<F>()?;
        let stream = dev
            .ctx
            .new_stream()
            .map_err(|e| driver_err("creating a stream", e))?;
        let blas = CudaBlas::new(stream.clone()).map_err(|e| driver_err("cuBLAS handle", e))?;
        Ok(Arc::new(Lane {
            dev,
            stream,
            blas: Mutex::new(blas),
        }))
    }

    /// The device's ordinal.
    pub(crate) fn ordinal(&self) -> usize {
        self.dev.ordinal
    }

    /// Whether `other` is on the same device.
    pub(crate) fn same_device(&self, other: &Lane) -> bool {
        self.dev.ordinal == other.dev.ordinal
    }

    /// A loaded kernel (the kernels were loaded when the lane was made).
    pub(crate) fn function<F: CudaFloat>(&self, name: &str) -> CudaFunction {
        let k = ok(self.dev.kernels::<F>(), "loading the kernels");
        k.functions
            .get(name)
            .unwrap_or_else(|| panic!("duckml cuda: no kernel {name}"))
            .clone()
    }

    /// Runs `f` with the lane's cuBLAS handle.
    pub(crate) fn blas<T>(&self, f: impl FnOnce(&CudaBlas) -> T) -> T {
        // cuBLAS runs in the calling thread's current context: make it this device's
        // (rayon threads serve chunks on several devices).
        ok(self.dev.ctx.bind_to_thread(), "binding the CUDA context");
        let guard = self.blas.lock().unwrap_or_else(|p| p.into_inner());
        f(&guard)
    }

    /// Uninitialised device memory for `len` elements.
    pub(crate) fn alloc<T: DeviceRepr>(&self, len: usize) -> CudaSlice<T> {
        if len == 0 {
            return ok(self.stream.null(), "device allocation");
        }
        // SAFETY: every caller writes the buffer (kernel, GEMM with beta = 0, copy)
        // before reading it.
        ok(unsafe { self.stream.alloc::<T>(len) }, "device allocation")
    }

    /// Zeroed device memory for `len` elements.
    pub(crate) fn zeros<T: DeviceRepr + ValidAsZeroBits>(&self, len: usize) -> CudaSlice<T> {
        if len == 0 {
            return ok(self.stream.null(), "device allocation");
        }
        ok(self.stream.alloc_zeros::<T>(len), "device allocation")
    }

    /// Copies a host slice to new device memory.
    pub(crate) fn upload<T: DeviceRepr>(&self, v: &[T]) -> CudaSlice<T> {
        if v.is_empty() {
            return ok(self.stream.null(), "device allocation");
        }
        ok(self.stream.clone_htod(v), "host-to-device copy")
    }

    /// Copies device memory to the host (waits for the lane's stream).
    pub(crate) fn download<T: DeviceRepr>(&self, v: &CudaSlice<T>) -> Vec<T> {
        if v.is_empty() {
            return Vec::new();
        }
        ok(self.stream.clone_dtoh(v), "device-to-host copy")
    }
}

/// Launch configuration of an elementwise kernel over `n` items (`n > 0`).
pub(crate) fn grid(n: usize) -> LaunchConfig {
    LaunchConfig {
        grid_dim: (n.div_ceil(BLOCK as usize).clamp(1, MAX_BLOCKS) as u32, 1, 1),
        block_dim: (BLOCK, 1, 1),
        shared_mem_bytes: 0,
    }
}

/// Launch configuration of a reduction over `n` items: at most [`MAX_REDUCE_BLOCKS`]
/// blocks, each writing one partial sum.
pub(crate) fn reduce_grid(n: usize) -> LaunchConfig {
    LaunchConfig {
        grid_dim: (
            n.div_ceil(BLOCK as usize).clamp(1, MAX_REDUCE_BLOCKS) as u32,
            1,
            1,
        ),
        block_dim: (BLOCK, 1, 1),
        shared_mem_bytes: 0,
    }
}

/// Launches kernel `$name` of element type `$F` on `$lane`'s stream with `$cfg`.
/// Every argument must be a reference to a value that outlives the statement (bind
/// scalars to locals first) and match the kernel's C signature exactly: `i64` for
/// `long long`, `i32` for `int`, `f64` for `double`, `F` for `REAL`, device buffers for
/// pointers.
macro_rules! launch {
    ($lane:expr, $F:ty, $name:literal, $cfg:expr; $($arg:expr),+ $(,)?) => {{
        use cudarc::driver::PushKernelArg as _;
        let func = $lane.function::<$F>($name);
        let mut builder = $lane.stream.launch_builder(&func);
        $( builder.arg($arg); )+
        // SAFETY: the arguments follow the kernel's signature in arrays/cuda/*.cu, and
        // every buffer is sized for the index range the kernel is given.
        $crate::cuda::device::ok(unsafe { builder.launch($cfg) }, $name);
    }};
}
pub(crate) use launch;
