/*
 * dscflow.h: the C interface of DSCFlow, an embeddable INT8 inference library for
 * depthwise-separable CNNs (libdscflow.so).
 *
 * C99 and C++ compatible. Link with `$(pkg-config --cflags --libs dscflow)`.
 *
 * Conventions (they hold for every function below unless its comment says otherwise):
 *  - Functions that can fail return an `int` status: DSC_OK (0) on success, or one of the negative
 *    DSC_ERR_* codes. On failure, dsc_last_error() describes what went wrong and no output argument
 *    has been written. A successful call leaves the last error message unchanged.
 *  - Every pointer argument may be NULL: a NULL where a value is needed is reported as
 *    DSC_ERR_INVALID_ARGUMENT, never a crash. Free functions accept NULL and do nothing.
 *  - Sizes are in bytes; size arithmetic is overflow-checked.
 *  - Strings returned by the library (names, messages) are NUL-terminated UTF-8 owned by the
 *    library; the lifetime of each is stated where it is returned.
 *  - Threads: a dsc_model is immutable and may be used from any number of threads at once
 *    (load, info queries, creating sessions). A dsc_session is used by one thread at a time; run
 *    several sessions of one model to use several threads. This is enforced, not assumed: a call on a
 *    session that another thread's call is using is refused with DSC_ERR_WRONG_STATE (it does not
 *    wait, and nothing of it runs), so misuse gives an error, never wrong bytes. (The buffers
 *    dsc_session_input() and dsc_session_output() hand out are outside this: touch them only while no
 *    other thread runs the session.) dsc_last_error() is per thread.
 *  - Handles (dsc_model *, dsc_session *) are table entries, not addresses. A handle that was freed,
 *    a model handle passed as a session (or the reverse) and a pointer the library never returned are
 *    refused with DSC_ERR_INVALID_ARGUMENT; freeing such a handle (e.g. a second dsc_session_free on
 *    the same pointer) does nothing. A free racing a call on another thread waits for that call to end.
 *    (A handle value is reused only after 2^32 frees of its slot.)
 *  - Memory: every allocation a file, a model or an argument sizes reports failure
 *    (DSC_ERR_OUT_OF_MEMORY), never aborts the process; model files are read only up to a size limit
 *    (dsc_model_load_file_ex()) and sessions take at most a memory limit (DSC_SESSION_MEMORY_LIMIT_MIB()).
 *  - Stack: dsc_session_run() and dsc_session_invoke() need at most 16 KiB of the calling thread's stack
 *    on every kernel path (a release build; docs/HARDENING.md has the figures); creating a session
 *    needs more (see there).
 */
#ifndef DSCFLOW_H
#define DSCFLOW_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The version of this header; dsc_version() returns the library's, which should be equal. */
#define DSCFLOW_VERSION_MAJOR 0
#define DSCFLOW_VERSION_MINOR 1
#define DSCFLOW_VERSION_PATCH 0
#define DSCFLOW_VERSION_STRING "0.1.0"

/** Status codes. DSC_OK is 0; every error is negative and distinct. */
#define DSC_OK 0
/** An argument is NULL where a value is needed, out of range, or a buffer has the wrong size. */
#define DSC_ERR_INVALID_ARGUMENT (-1)
/** The model bytes are not a well-formed model (truncated, offsets out of range, inconsistent tensors). */
#define DSC_ERR_MALFORMED_MODEL (-2)
/** A well-formed model uses an operator or feature DSCFlow does not implement. */
#define DSC_ERR_UNSUPPORTED (-3)
/** A file could not be read. */
#define DSC_ERR_IO (-4)
/** Memory could not be allocated, or a size overflows. */
#define DSC_ERR_OUT_OF_MEMORY (-5)
/** The call does not make sense in the object's current state (e.g. reading an operator's output
 *  before any run, or from a session created without DSC_SESSION_PRESERVE_ALL_TENSORS). */
#define DSC_ERR_WRONG_STATE (-6)

/** Element types of tensors (the values of dsc_tensor_info.type). */
#define DSC_TYPE_INT8 1
#define DSC_TYPE_UINT8 2
#define DSC_TYPE_INT16 3
#define DSC_TYPE_INT32 4
/** IEEE-754 binary32: the float inputs and outputs of an ONNX QDQ model (its QuantizeLinear and
 *  DequantizeLinear run inside DSCFlow). */
#define DSC_TYPE_FLOAT32 16
/** 4-bit signed (-8...7) and unsigned (0...15) values, one per byte (sign- or zero-extended), as
 *  UltraNet's weights and activations; never a model input. */
#define DSC_TYPE_INT4 5
#define DSC_TYPE_UINT4 6

/** Session creation flags (bitwise OR; 0 gives the defaults). */
/** Keep every operator's output in its own arena bytes so dsc_session_op_output() can read any of
 *  them after a run (like TFLite Micro's kPreserveAllTensors). Makes the arena larger. */
#define DSC_SESSION_PRESERVE_ALL_TENSORS 1u
/** Measure each operator's wall time during a run (read with dsc_session_op_nanoseconds()). */
#define DSC_SESSION_PROFILE 2u
/** Requantize with single rounding (TFLite's TFLITE_SINGLE_ROUNDING) instead of the default gemmlowp
 *  double rounding. Changes output bytes; use it only for models made for single rounding. */
#define DSC_SESSION_SINGLE_ROUNDING 4u
/** Threads per run (1 ... 64) in bits 8 ... 15 of the flags, e.g. DSC_SESSION_THREADS(2): the fast
 *  conv and depthwise kernels split their output rows over worker threads the session starts (and
 *  stops in dsc_session_free()); the bytes are the same as with one thread. 0 there means 1. */
#define DSC_SESSION_THREADS(n) (((uint32_t)(n) & 0xFFu) << 8)
/** The bits of the flags DSC_SESSION_THREADS() sets. */
#define DSC_SESSION_THREADS_MASK 0xFF00u
/** Which kernels run, in bits 16 ... 19 of the flags, e.g. DSC_SESSION_KERNELS(DSC_KERNELS_REFERENCE).
 *  Every path gives the same bytes. DSC_KERNELS_AUTO (0, the default) takes $DSCFLOW_KERNELS if set,
 *  else the fastest path the CPU supports; asking for a path the CPU lacks makes session creation
 *  fail with DSC_ERR_UNSUPPORTED. */
#define DSC_SESSION_KERNELS(k) (((uint32_t)(k) & 0xFu) << 16)
/** The bits of the flags DSC_SESSION_KERNELS() sets. */
#define DSC_SESSION_KERNELS_MASK 0xF0000u
/** The most memory a session may take, in MiB (1 ... 4095), in bits 20 ... 31 of the flags, e.g.
 *  DSC_SESSION_MEMORY_LIMIT_MIB(64): its arena (tensors, every thread's kernel scratch, alignment slack;
 *  the caller's memory with dsc_session_create_in_arena()), its kernels' packed constants and its own
 *  tables, as dsc_model_session_memory() adds them up. Checked before any of it is allocated: a model
 *  that needs more makes session creation fail with DSC_ERR_OUT_OF_MEMORY, the message saying what it
 *  needs. 0 there means the default, DSC_DEFAULT_MEMORY_LIMIT_MIB. */
#define DSC_SESSION_MEMORY_LIMIT_MIB(n) (((uint32_t)(n) & 0xFFFu) << 20)
/** The bits of the flags DSC_SESSION_MEMORY_LIMIT_MIB() sets. */
#define DSC_SESSION_MEMORY_LIMIT_MASK 0xFFF00000u
/** The default memory limit of a session: 256 MiB (SkyNet at 160x320 with every tensor preserved needs
 *  about 14 MB; a hostile model asking for gigabytes is refused before a byte is allocated). */
#define DSC_DEFAULT_MEMORY_LIMIT_MIB 256
/** No memory limit: what can be allocated is the limit (running out is still DSC_ERR_OUT_OF_MEMORY).
 *  Not together with DSC_SESSION_MEMORY_LIMIT_MIB(). */
#define DSC_SESSION_NO_MEMORY_LIMIT 8u
/** Kernel paths for DSC_SESSION_KERNELS() and dsc_session_kernels(). */
#define DSC_KERNELS_AUTO 0
/** The reference kernels only (the executable specification). */
#define DSC_KERNELS_REFERENCE 1
/** Fast kernels built for no particular ISA (SSE2 on x86-64, NEON on aarch64). */
#define DSC_KERNELS_PORTABLE 2
/** Fast kernels for AVX2. */
#define DSC_KERNELS_AVX2 3
/** AVX2 kernels with 256-bit VNNI dot products (AVX-VNNI). */
#define DSC_KERNELS_AVXVNNI 4
/** Fast kernels with AVX-512 VNNI dot products. */
#define DSC_KERNELS_AVX512VNNI 5

/** The largest rank a dsc_tensor_info can describe. */
#define DSC_MAX_RANK 8

/** A loaded, validated model. Opaque; create with dsc_model_load_file() or dsc_model_load_memory(). */
typedef struct dsc_model dsc_model;
/** A model prepared to run in one arena. Opaque; create with dsc_session_create() and friends. */
typedef struct dsc_session dsc_session;

#if defined(DSCFLOW_SWIFT_IMPLEMENTATION)
/* Seen only by the Swift implementation, so that its exported functions are typed `dsc_model *`
 * rather than `void *` (the build compares them with the declarations below). Never dereferenced;
 * users must not define this macro. */
struct dsc_model { unsigned char opaque_; };
struct dsc_session { unsigned char opaque_; };
#endif

/** Describes one tensor of a model. Filled by dsc_model_input(), dsc_model_output() and
 *  dsc_model_op_info(). */
typedef struct dsc_tensor_info {
    /** The tensor's name in the model file. Valid until the model is freed. */
    const char *name;
    /** DSC_TYPE_INT8, DSC_TYPE_UINT8, DSC_TYPE_INT16, DSC_TYPE_INT32, DSC_TYPE_INT4, DSC_TYPE_UINT4 (the
     *  4-bit types take one byte per element) or DSC_TYPE_FLOAT32. */
    int32_t type;
    /** Number of dimensions (0 ... DSC_MAX_RANK). */
    int32_t rank;
    /** The dimensions, NHWC for 4-D activations (an ONNX model's inputs and outputs: the graph's own
     *  layout, NCHW for images); entries at and beyond `rank` are 0. */
    int64_t shape[DSC_MAX_RANK];
    /** Bytes of the tensor's data (product of the shape times the element size). */
    size_t byte_size;
    /** Quantization: real = scale * (q - zero_point). 0 and 0 when the tensor is not quantized.
     *  For per-channel quantization these are the first channel's values. */
    float scale;
    int32_t zero_point;
    /** Number of quantization scales: 0 = not quantized, 1 = per tensor, more = per channel. */
    int32_t scale_count;
} dsc_tensor_info;

/** Describes one operator of a model, in execution order. Filled by dsc_model_op_info(). */
typedef struct dsc_op_info {
    /** The operator's name (for .tflite models its builtin name, e.g. "CONV_2D"). Valid until the
     *  model is freed. */
    const char *name;
    /** What the operator computes, as a TFLite builtin name ("CONV_2D", "DEPTHWISE_CONV_2D", ...).
     *  Valid until the model is freed. */
    const char *kind;
    /** Multiply-accumulates of one inference of this operator (0 for operators without any). */
    uint64_t macs;
    /** The operator's output tensor. */
    dsc_tensor_info output;
} dsc_op_info;

/* ---------------------------------------------------------------------------------------------- */
/* Library                                                                                        */

/** The library's version, e.g. "0.1.0". Never NULL; a static string. Thread-safe. */
const char *dsc_version(void);

/** The message of the last failed call made by the calling thread, "" if none failed yet.
 *  Never NULL. The string is owned by the library and stays valid until the same thread's next
 *  failing call. Thread-safe (each thread has its own message). */
const char *dsc_last_error(void);

/** A short constant name for a status code ("DSC_OK", "DSC_ERR_IO", ...; "unknown status" for
 *  values that are not status codes). Never NULL; a static string. Thread-safe. */
const char *dsc_status_name(int status);

/** The name of a DSC_TYPE_* element type ("int8", "uint8", "int16", "int32", "int4", "uint4", "float32"; "unknown type" for other
 *  values). Never NULL; a static string. Thread-safe. */
const char *dsc_type_name(int32_t type);

/* ---------------------------------------------------------------------------------------------- */
/* Models                                                                                         */

/** The largest model file dsc_model_load_file() reads: 1 GiB. */
#define DSC_DEFAULT_MAX_MODEL_FILE_BYTES 1073741824u

/** Loads a model file (.tflite or .dscm, told apart by content), reading it into memory the model owns.
 *  `path`: a NUL-terminated UTF-8 path. A file above DSC_DEFAULT_MAX_MODEL_FILE_BYTES is refused
 *  (DSC_ERR_IO) before it is read; a file whose first bytes are neither format is refused
 *  (DSC_ERR_MALFORMED_MODEL) after reading only those. On success `*out` receives a new model that the
 *  caller frees with dsc_model_free(). Errors: DSC_ERR_INVALID_ARGUMENT (NULL path or out), DSC_ERR_IO
 *  (missing, unreadable, not a regular file, above the size limit), DSC_ERR_MALFORMED_MODEL,
 *  DSC_ERR_UNSUPPORTED, DSC_ERR_OUT_OF_MEMORY. Thread-safe. */
int dsc_model_load_file(const char *path, dsc_model **out);

/** dsc_model_load_file() with another file size limit: `max_bytes` (0 means the default,
 *  DSC_DEFAULT_MAX_MODEL_FILE_BYTES). Errors: as dsc_model_load_file(). Thread-safe. */
int dsc_model_load_file_ex(const char *path, uint64_t max_bytes, dsc_model **out);

/** Loads a model from `size` bytes at `data` without copying them: the model's weights point into
 *  the caller's buffer (e.g. a model array in flash). The caller keeps the buffer alive and
 *  unchanged until the model and every session created from it are freed. On success `*out`
 *  receives a new model that the caller frees with dsc_model_free(). Errors: as
 *  dsc_model_load_file() except DSC_ERR_IO. Thread-safe. */
int dsc_model_load_memory(const void *data, size_t size, dsc_model **out);

/** Releases the caller's reference to a model. Sessions created from it keep what they need alive,
 *  so a model may be freed before its sessions. NULL, a handle already freed and anything that is not a
 *  model handle are ignored. */
void dsc_model_free(dsc_model *model);

/** Number of model inputs in `*count`. Errors: DSC_ERR_INVALID_ARGUMENT. Thread-safe. */
int dsc_model_input_count(const dsc_model *model, size_t *count);

/** Number of model outputs in `*count`. Errors: DSC_ERR_INVALID_ARGUMENT. Thread-safe. */
int dsc_model_output_count(const dsc_model *model, size_t *count);

/** Describes model input `index` (0-based) in `*info`. Errors: DSC_ERR_INVALID_ARGUMENT (NULL, or
 *  index out of range), DSC_ERR_UNSUPPORTED (rank above DSC_MAX_RANK). Thread-safe. */
int dsc_model_input(const dsc_model *model, size_t index, dsc_tensor_info *info);

/** Describes model output `index` (0-based) in `*info`. Errors: as dsc_model_input(). Thread-safe. */
int dsc_model_output(const dsc_model *model, size_t index, dsc_tensor_info *info);

/** Number of operators in `*count`. Errors: DSC_ERR_INVALID_ARGUMENT. Thread-safe. */
int dsc_model_op_count(const dsc_model *model, size_t *count);

/** Describes operator `index` (0-based, execution order) in `*info`. Errors: DSC_ERR_INVALID_ARGUMENT
 *  (NULL, or index out of range), DSC_ERR_UNSUPPORTED (rank above DSC_MAX_RANK). Thread-safe. */
int dsc_model_op_info(const dsc_model *model, size_t index, dsc_op_info *info);

/** Number of metadata entries of the model in `*count` (e.g. dscflow.preprocess, dscflow.detection,
 *  dscflow.labels, dscflow.source; TFLite models also have their own). Errors:
 *  DSC_ERR_INVALID_ARGUMENT. Thread-safe. */
int dsc_model_metadata_count(const dsc_model *model, size_t *count);

/** Metadata entry `index` (0-based, sorted by key): `*key` and `*value` receive NUL-terminated UTF-8
 *  strings valid until the model is freed. Errors: DSC_ERR_INVALID_ARGUMENT (NULL, index out of
 *  range). Thread-safe. */
int dsc_model_metadata(const dsc_model *model, size_t index, const char **key, const char **value);

/** Multiply-accumulates of one inference in `*macs`. Errors: DSC_ERR_INVALID_ARGUMENT. Thread-safe. */
int dsc_model_macs(const dsc_model *model, uint64_t *macs);

/** Number of parameters (weight and bias elements) in `*count`. Errors: DSC_ERR_INVALID_ARGUMENT.
 *  Thread-safe. */
int dsc_model_parameter_count(const dsc_model *model, uint64_t *count);

/** Bytes an arena must have for a session of `model` created with `flags` (the DSC_SESSION_* flags),
 *  including alignment slack, in `*size`. Pass this to dsc_session_create_in_arena(). This prepares
 *  the model for those flags (kernel choice, packed weights); the model keeps the prepared form of the
 *  flags last asked for, so a session created next with the same flags reuses it, and sessions share
 *  it. Errors: DSC_ERR_INVALID_ARGUMENT (NULL, or unknown flag bits), DSC_ERR_UNSUPPORTED (a kernel
 *  path this CPU lacks), DSC_ERR_OUT_OF_MEMORY (a session with these flags would exceed its memory
 *  limit; dsc_model_session_memory() says how much it needs). Thread-safe. */
int dsc_model_arena_size(const dsc_model *model, uint32_t flags, size_t *size);

/** Bytes a session of `model` created with `flags` takes in all, in `*bytes`: its arena (as
 *  dsc_model_arena_size()), its kernels' packed constants and its own tables. This is what the session's
 *  memory limit (DSC_SESSION_MEMORY_LIMIT_MIB()) is compared with; it is computed as if there were no
 *  limit. Errors: DSC_ERR_INVALID_ARGUMENT (NULL, or unknown flag bits), DSC_ERR_OUT_OF_MEMORY (the
 *  packed constants cannot be allocated). Thread-safe. */
int dsc_model_session_memory(const dsc_model *model, uint32_t flags, size_t *bytes);

/* ---------------------------------------------------------------------------------------------- */
/* Sessions                                                                                       */

/** Creates a session of `model` with default options in an arena the library allocates (and frees
 *  with the session). Same as dsc_session_create_ex(model, 0, out). On success `*out` receives a new
 *  session that the caller frees with dsc_session_free(). Errors: DSC_ERR_INVALID_ARGUMENT,
 *  DSC_ERR_OUT_OF_MEMORY (above the session's memory limit, or memory not available).
 *  Thread-safe with respect to the model. */
int dsc_session_create(const dsc_model *model, dsc_session **out);

/** Like dsc_session_create() with DSC_SESSION_* `flags`. Errors: DSC_ERR_INVALID_ARGUMENT (also for
 *  unknown flag bits, and DSC_SESSION_NO_MEMORY_LIMIT together with DSC_SESSION_MEMORY_LIMIT_MIB()),
 *  DSC_ERR_UNSUPPORTED (a kernel path this CPU lacks), DSC_ERR_OUT_OF_MEMORY. Thread-safe with respect
 *  to the model. */
int dsc_session_create_ex(const dsc_model *model, uint32_t flags, dsc_session **out);

/** Creates a session whose tensors live in the caller's `arena` of `arena_size` bytes (any alignment;
 *  at least dsc_model_arena_size() for the same flags). The caller keeps the arena alive and does not
 *  touch it until the session is freed. After this returns, running the session performs no heap
 *  allocation. On success `*out` receives a new session that the caller frees with
 *  dsc_session_free() (which does not free the arena). Errors: DSC_ERR_INVALID_ARGUMENT (NULL arena,
 *  arena too small, unknown flags), DSC_ERR_OUT_OF_MEMORY. Thread-safe with respect to the model. */
int dsc_session_create_in_arena(const dsc_model *model, uint32_t flags, void *arena, size_t arena_size,
                                dsc_session **out);

/** Frees a session (and its arena, if the library allocated it). NULL, a handle already freed and
 *  anything that is not a session handle are ignored. If another thread's call is using the session,
 *  this waits for that call to end first. */
void dsc_session_free(dsc_session *session);

/** Copies `input_size` bytes into the model's only input, runs the model, and copies its only output
 *  into `output`. The bytes are the tensors' raw values (int8 or uint8 ..., NHWC, C order); the sizes
 *  must equal the tensors' byte sizes exactly (see dsc_model_input() / dsc_model_output()).
 *  Performs no heap allocation when it succeeds. Errors: DSC_ERR_INVALID_ARGUMENT (NULL, or wrong
 *  size; the message gives the size expected; also a freed or foreign handle), DSC_ERR_WRONG_STATE (the
 *  model has more than one input or output: use dsc_session_input(), dsc_session_invoke(),
 *  dsc_session_output(); or another thread is using the session). One thread at a time per session. */
int dsc_session_run(dsc_session *s, const void *input, size_t input_size, void *output, size_t output_size);

/** The session's buffer for model input `index`: `*data` receives its address and `*size` its byte
 *  size. Write the input there, then call dsc_session_invoke(). Valid until the session is freed.
 *  Errors: DSC_ERR_INVALID_ARGUMENT. One thread at a time per session. */
int dsc_session_input(dsc_session *s, size_t index, void **data, size_t *size);

/** Runs the model on what its input buffers hold (see dsc_session_input()). Performs no heap
 *  allocation. Errors: DSC_ERR_INVALID_ARGUMENT, DSC_ERR_WRONG_STATE (another thread is using the
 *  session). One thread at a time per session. */
int dsc_session_invoke(dsc_session *s);

/** The session's buffer for model output `index` after a run: `*data` receives its address and
 *  `*size` its byte size. Valid until the session is freed; overwritten by the next run. Errors:
 *  DSC_ERR_INVALID_ARGUMENT, DSC_ERR_WRONG_STATE (no run yet). One thread at a time per session. */
int dsc_session_output(const dsc_session *s, size_t index, const void **data, size_t *size);

/** The output of operator `op` (execution order) from the last run, for debugging: `*data` receives
 *  its address and `*size` its byte size (describe it with dsc_model_op_info()). Needs a session
 *  created with DSC_SESSION_PRESERVE_ALL_TENSORS. Valid until the next run or until the session is
 *  freed. Errors: DSC_ERR_INVALID_ARGUMENT (NULL, op out of range), DSC_ERR_WRONG_STATE (no run yet,
 *  or the flag is missing). One thread at a time per session. */
int dsc_session_op_output(const dsc_session *s, size_t op, const void **data, size_t *size);

/** The kernel path the session runs (DSC_KERNELS_REFERENCE ... DSC_KERNELS_AVX512VNNI; never
 *  DSC_KERNELS_AUTO: auto is resolved when the session is created) in `*kernels`. Errors:
 *  DSC_ERR_INVALID_ARGUMENT. One thread at a time per session. */
int dsc_session_kernels(const dsc_session *s, int32_t *kernels);

/** Wall time in nanoseconds of operator `op` during the last run, in `*nanoseconds`. Needs a session
 *  created with DSC_SESSION_PROFILE. Errors: DSC_ERR_INVALID_ARGUMENT (NULL, op out of range),
 *  DSC_ERR_WRONG_STATE (no run yet, or the flag is missing). One thread at a time per session. */
int dsc_session_op_nanoseconds(const dsc_session *s, size_t op, uint64_t *nanoseconds);


/* ---- Images: PNG and JPEG, preprocessing, classification, single-object detection ------------- */

/** Maximum number of head-specific integer words in a dsc_box. */
#define DSC_BOX_MAX_RAW 16

/** A single-object detection in pixels of the original image. Filled by dsc_detect(). */
typedef struct dsc_box {
    double xmin, xmax, ymin, ymax;
    /** Confidence in [0, 1] when the head defines one; NaN otherwise. */
    double score;
    /** The anchor that won and the grid cell of the box. */
    int32_t anchor, grid_x, grid_y;
    /** Number of valid entries in `raw`: head-specific integer words (SkrSkr: the accelerator's PL
     *  words xs, ys, ws, hs, flag, x, y). */
    int32_t raw_count;
    int32_t raw[DSC_BOX_MAX_RAW];
} dsc_box;

/** Decodes the PNG file at `path` to 8-bit pixels, rows top-down, interleaved (1 = gray, 3 = RGB,
 *  4 = RGBA; 16-bit and palette files are converted). `*width`, `*height` and `*channels` are always
 *  written (when the pointers are not NULL), also on failure: the image's size as soon as the file's
 *  header has been read, 0 before that. With `pixels` NULL nothing else happens (ask the size first);
 *  otherwise `capacity` must be at least width·height·channels and the pixels are written there.
 *  Files above 512 MiB and images above 256 MiB of pixels or 65536 pixels a side are refused before
 *  they are read or decoded. Errors: DSC_ERR_INVALID_ARGUMENT (NULL path or size pointers, capacity too
 *  small), DSC_ERR_IO (missing, not a PNG, corrupt, truncated or oversized files),
 *  DSC_ERR_OUT_OF_MEMORY (memory for an image within the limits is not available). Thread-safe. */
int dsc_png_read(const char *path, uint8_t *pixels, size_t capacity, size_t *width, size_t *height,
                 size_t *channels);

/** Decodes the image file at `path`, PNG or JPEG (told apart by content), to 8-bit pixels as
 *  dsc_png_read() does. JPEGs decode exactly as Pillow decodes them by default (libjpeg-turbo, accurate
 *  integer IDCT, fancy upsampling; gray files give 1 channel, colour files 3; EXIF orientation is
 *  ignored, as Pillow's Image.open ignores it; CMYK files are rejected; at most 16384 pixels a side).
 *  Truncated or corrupt files are errors (any libjpeg warning counts as one), never a partial image.
 *  Size outputs and errors: as dsc_png_read(). Thread-safe. */
int dsc_image_read(const char *path, uint8_t *pixels, size_t capacity, size_t *width, size_t *height,
                   size_t *channels);

/** Turns an image (8-bit, interleaved, `channels` 1, 3 or 4, rows top-down) into the bytes of the
 *  model's input 0: resize, fit, colour conversion, normalization and quantization as the model's
 *  `dscflow.preprocess` metadata says, with `overrides` (NULL, or "key=value" lines such as
 *  "resize=nearest\nrange=0,1") taking precedence. When neither gives range, mean or std, the range is
 *  the one the input's quantization implies (int8 scale 1/128 zero point 0: -1,1; scale 1/255 zero
 *  point -128: 0,1; see dsc_preprocess_describe()), and a quantization that implies no conventional
 *  range is an error asking for range=. `input_size` must equal the input's byte size.
 *  Errors: DSC_ERR_INVALID_ARGUMENT. Thread-safe (the model is shared read-only). */
int dsc_preprocess(const dsc_model *model, const char *overrides, const uint8_t *pixels, size_t width,
                   size_t height, size_t channels, void *input, size_t input_size);

/** The preprocessing dsc_preprocess() applies for `model` and `overrides`, as "key=value" lines
 *  (color, resize, fit, pad, range or mean and std, size), plus a line "assumed=SENTENCE" when the range
 *  was inferred from the input's quantization. `*length` receives the text's length (without the NUL);
 *  with `text` NULL nothing else happens, otherwise `capacity` must exceed `*length` and the
 *  NUL-terminated text is written there. Errors: DSC_ERR_INVALID_ARGUMENT (NULL length, capacity too
 *  small, bad overrides or input). Thread-safe. */
int dsc_preprocess_describe(const dsc_model *model, const char *overrides, char *text, size_t capacity,
                            size_t *length);

/** One class of a classification. Filled by dsc_classify(). */
typedef struct dsc_class {
    /** Index into the model's output vector. */
    int32_t index;
    /** The stored output value. */
    int32_t raw;
    /** The dequantized output, scale * (raw - zero_point) (a probability for softmax outputs). */
    double probability;
    /** The class's label: from the model's metadata (dscflow.labels, or labels= of
     *  dscflow.classification), else "class N". Valid until the model is freed. */
    const char *label;
} dsc_class;

/** Preprocesses an image (as dsc_preprocess() with `overrides`), runs the model (one int8, uint8 or
 *  int16 output) and writes its classes into `classes`, most probable first (ties: lower index
 *  first): min(capacity, number of classes) entries. `*count` receives the number of classes (the
 *  output's element count). `classes` may be NULL when `capacity` is 0. Each call creates and frees a
 *  session. Errors: DSC_ERR_INVALID_ARGUMENT, DSC_ERR_OUT_OF_MEMORY. Thread-safe. */
int dsc_classify(const dsc_model *model, const char *overrides, const uint8_t *pixels, size_t width, size_t height,
                 size_t channels, dsc_class *classes, size_t capacity, size_t *count);

/** The score below which a detection of `model` means "no object", in `*min_score`: min-score= from
 *  `detection_overrides` or the model's dscflow.detection metadata, else 0 for the skrskr head (the
 *  DAC-SDC board reports a box for every image) and 0.5 for the others. dsc_detect() always fills the
 *  box; compare its score with this. Errors: DSC_ERR_INVALID_ARGUMENT. Thread-safe. */
int dsc_detect_min_score(const dsc_model *model, const char *detection_overrides, double *min_score);

/** Preprocesses an image, runs the model and decodes its single-object detection head (from the
 *  model's `dscflow.detection` metadata, e.g. head=skynet or head=skrskr, with
 *  `detection_overrides` taking precedence) into `*box`, in pixels of the image. A convenience: each
 *  call creates and frees a session (heap allocation); loop over dsc_session_* for allocation-free
 *  runs. Errors: DSC_ERR_INVALID_ARGUMENT (NULL, sizes, no or unknown head: give head= and anchors= in
 *  `detection_overrides` for a model without detection metadata), DSC_ERR_OUT_OF_MEMORY.
 *  Thread-safe. */
int dsc_detect(const dsc_model *model, const char *preprocess_overrides, const char *detection_overrides,
               const uint8_t *pixels, size_t width, size_t height, size_t channels, dsc_box *box);

#ifdef __cplusplus
}
#endif

#endif /* DSCFLOW_H */
