// dscflow.hpp: a header-only C++ (C++11 and later) wrapper of dscflow.h. RAII handles, exceptions.
//
//   dscflow::Model model = dscflow::Model::load("person_detect.tflite");
//   dscflow::Session session(model);
//   std::vector<int8_t> out(model.output(0).byte_size);
//   session.run(input.data(), input.size(), out.data(), out.size());
//
// Every failing C call becomes a dscflow::Error carrying the status code and the library's message.
// Threads: as in dscflow.h (a Model may be shared; a Session is used by one thread at a time).
#ifndef DSCFLOW_HPP
#define DSCFLOW_HPP

#include <dscflow.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace dscflow {

/// A failed DSCFlow call: `status()` is the DSC_ERR_* code, `what()` the library's message.
class Error : public std::runtime_error {
public:
    Error(int status, const std::string &message) : std::runtime_error(message), status_(status) {}
    int status() const noexcept { return status_; }

private:
    int status_;
};

/// Throws `Error` (with dsc_last_error()) unless `status` is DSC_OK.
inline void check(int status) {
    if (status != DSC_OK) throw Error(status, std::string(dsc_status_name(status)) + ": " + dsc_last_error());
}

/// The library's version string.
inline std::string version() { return dsc_version(); }

/// A loaded model (owns one reference; move-only). Sessions keep what they need alive, so a Model
/// may be destroyed before its Sessions.
class Model {
public:
    /// Loads a model file.
    static Model load(const std::string &path) {
        dsc_model *m = nullptr;
        check(dsc_model_load_file(path.c_str(), &m));
        return Model(m);
    }

    /// Loads a model in place from caller memory; `data` must outlive the model and its sessions.
    static Model borrow(const void *data, std::size_t size) {
        dsc_model *m = nullptr;
        check(dsc_model_load_memory(data, size, &m));
        return Model(m);
    }

    Model(Model &&other) noexcept : model_(other.model_) { other.model_ = nullptr; }
    Model &operator=(Model &&other) noexcept {
        if (this != &other) {
            dsc_model_free(model_);
            model_ = other.model_;
            other.model_ = nullptr;
        }
        return *this;
    }
    Model(const Model &) = delete;
    Model &operator=(const Model &) = delete;
    ~Model() { dsc_model_free(model_); }

    std::size_t input_count() const { return count(dsc_model_input_count); }
    std::size_t output_count() const { return count(dsc_model_output_count); }
    std::size_t op_count() const { return count(dsc_model_op_count); }

    dsc_tensor_info input(std::size_t i) const {
        dsc_tensor_info t;
        check(dsc_model_input(model_, i, &t));
        return t;
    }
    dsc_tensor_info output(std::size_t i) const {
        dsc_tensor_info t;
        check(dsc_model_output(model_, i, &t));
        return t;
    }
    dsc_op_info op(std::size_t i) const {
        dsc_op_info o;
        check(dsc_model_op_info(model_, i, &o));
        return o;
    }
    std::uint64_t macs() const {
        std::uint64_t v = 0;
        check(dsc_model_macs(model_, &v));
        return v;
    }
    std::uint64_t parameter_count() const {
        std::uint64_t v = 0;
        check(dsc_model_parameter_count(model_, &v));
        return v;
    }
    /// Bytes a caller-provided arena needs for a session with `flags`.
    std::size_t arena_size(std::uint32_t flags = 0) const {
        std::size_t v = 0;
        check(dsc_model_arena_size(model_, flags, &v));
        return v;
    }

    const dsc_model *get() const noexcept { return model_; }

private:
    explicit Model(dsc_model *m) : model_(m) {}
    std::size_t count(int (*f)(const dsc_model *, std::size_t *)) const {
        std::size_t v = 0;
        check(f(model_, &v));
        return v;
    }
    dsc_model *model_;
};

/// A session of a model (move-only). With an arena, the caller's memory holds every tensor and runs
/// allocate nothing; the arena must outlive the session.
class Session {
public:
    explicit Session(const Model &model, std::uint32_t flags = 0) : session_(nullptr) {
        check(dsc_session_create_ex(model.get(), flags, &session_));
    }
    Session(const Model &model, void *arena, std::size_t arena_size, std::uint32_t flags = 0) : session_(nullptr) {
        check(dsc_session_create_in_arena(model.get(), flags, arena, arena_size, &session_));
    }
    Session(Session &&other) noexcept : session_(other.session_) { other.session_ = nullptr; }
    Session &operator=(Session &&other) noexcept {
        if (this != &other) {
            dsc_session_free(session_);
            session_ = other.session_;
            other.session_ = nullptr;
        }
        return *this;
    }
    Session(const Session &) = delete;
    Session &operator=(const Session &) = delete;
    ~Session() { dsc_session_free(session_); }

    /// Runs a single-input, single-output model; sizes must equal the tensors' byte sizes.
    void run(const void *input, std::size_t input_size, void *output, std::size_t output_size) {
        check(dsc_session_run(session_, input, input_size, output, output_size));
    }

    /// Runs a model whose first input takes `input` (exactly its byte size) and returns output 0's bytes.
    std::vector<std::uint8_t> run(const std::vector<std::uint8_t> &input) {
        void *in = nullptr;
        std::size_t in_size = 0;
        check(dsc_session_input(session_, 0, &in, &in_size));
        if (input.size() != in_size)
            throw Error(DSC_ERR_INVALID_ARGUMENT,
                        "input has " + std::to_string(input.size()) + " bytes; the model needs " + std::to_string(in_size));
        std::copy(input.begin(), input.end(), static_cast<std::uint8_t *>(in));
        check(dsc_session_invoke(session_));
        const void *data = nullptr;
        std::size_t size = 0;
        check(dsc_session_output(session_, 0, &data, &size));
        const std::uint8_t *bytes = static_cast<const std::uint8_t *>(data);
        return std::vector<std::uint8_t>(bytes, bytes + size);
    }

    /// Operator `op`'s output bytes from the last run (sessions with DSC_SESSION_PRESERVE_ALL_TENSORS).
    std::vector<std::uint8_t> op_output(std::size_t op) const {
        const void *data = nullptr;
        std::size_t size = 0;
        check(dsc_session_op_output(session_, op, &data, &size));
        const std::uint8_t *bytes = static_cast<const std::uint8_t *>(data);
        return std::vector<std::uint8_t>(bytes, bytes + size);
    }

    /// Operator `op`'s wall time in the last run (sessions with DSC_SESSION_PROFILE).
    std::uint64_t op_nanoseconds(std::size_t op) const {
        std::uint64_t ns = 0;
        check(dsc_session_op_nanoseconds(session_, op, &ns));
        return ns;
    }

    dsc_session *get() const noexcept { return session_; }

private:
    dsc_session *session_;
};

} // namespace dscflow

#endif // DSCFLOW_HPP
