// dscflow_run (C++): the C example written with the RAII wrapper include/dscflow.hpp.
//
//   dscflow_run_cpp MODEL [INPUT]
//
// INPUT is the raw bytes of the input tensor, or an uncompressed 8-bit BMP whose pixel bytes are the
// input values (rows top-down). Prints "output 0: v0 v1 ...".
// Build: c++ -std=c++17 dscflow_run.cpp $(pkg-config --cflags --libs dscflow)
#include <dscflow.hpp>

#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>

namespace {

void print_tensor(const char *role, std::size_t i, const dsc_tensor_info &t) {
    std::cout << role << " " << i << ": " << t.name << " " << dsc_type_name(t.type) << "[";
    for (int32_t d = 0; d < t.rank; d++) std::cout << (d ? "," : "") << t.shape[d];
    std::cout << "] " << t.byte_size << " bytes, scale " << t.scale << ", zero point " << t.zero_point << "\n";
}

std::vector<std::uint8_t> read_file(const std::string &path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw std::runtime_error(path + ": cannot open");
    return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

std::uint32_t le32(const std::uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | std::uint32_t(p[3]) << 24; }

// The pixel bytes of an uncompressed 8-bit BMP, top row first; other files are returned unchanged.
std::vector<std::uint8_t> bmp_pixels(const std::vector<std::uint8_t> &file) {
    if (file.size() < 54 || file[0] != 'B' || file[1] != 'M') return file;
    const std::uint32_t offset = le32(&file[10]);
    const std::int32_t width = std::int32_t(le32(&file[18])), height = std::int32_t(le32(&file[22]));
    if ((file[28] | file[29] << 8) != 8 || le32(&file[30]) != 0 || width <= 0 || height == 0 || height == INT32_MIN)
        throw std::runtime_error("unsupported BMP (need uncompressed 8-bit)");
    const std::size_t rows = std::size_t(height < 0 ? -std::int64_t(height) : height);
    const std::size_t stride = (std::size_t(width) + 3) / 4 * 4;
    if (offset > file.size() || rows > (file.size() - offset) / stride) throw std::runtime_error("truncated BMP");
    std::vector<std::uint8_t> pixels;
    for (std::size_t r = 0; r < rows; r++) {
        const std::size_t source = height > 0 ? rows - 1 - r : r; // positive height: stored bottom-up
        const std::uint8_t *row = &file[offset + source * stride];
        pixels.insert(pixels.end(), row, row + width);
    }
    return pixels;
}

} // namespace

int main(int argc, char **argv) {
    if (argc < 2 || argc > 3) {
        std::cerr << "usage: " << argv[0] << " MODEL [INPUT]\n";
        return 2;
    }
    try {
        std::cout << "DSCFlow " << dscflow::version() << "\n";
        dscflow::Model model = dscflow::Model::load(argv[1]);
        for (std::size_t i = 0; i < model.input_count(); i++) print_tensor("input", i, model.input(i));
        for (std::size_t i = 0; i < model.output_count(); i++) print_tensor("output", i, model.output(i));
        std::cout << "operators: " << model.op_count() << "\nMACs: " << model.macs()
                  << "\nparameters: " << model.parameter_count() << "\narena: " << model.arena_size() << " bytes\n";
        if (argc == 3) {
            const dsc_tensor_info out = model.output(0);
            dscflow::Session session(model);
            const std::vector<std::uint8_t> output = session.run(bmp_pixels(read_file(argv[2])));
            std::cout << "output 0:";
            for (std::size_t i = 0; i < output.size();) {
                switch (out.type) {
                case DSC_TYPE_INT8: std::cout << " " << int(std::int8_t(output[i])); i += 1; break;
                case DSC_TYPE_UINT8: std::cout << " " << unsigned(output[i]); i += 1; break;
                case DSC_TYPE_INT16: { std::int16_t v; std::memcpy(&v, &output[i], 2); std::cout << " " << v; i += 2; break; }
                default: { std::int32_t v; std::memcpy(&v, &output[i], 4); std::cout << " " << v; i += 4; break; }
                }
            }
            std::cout << "\n";
        }
    } catch (const dscflow::Error &e) {
        std::cerr << "dscflow_run_cpp: " << e.what() << " (status " << e.status() << ")\n";
        return 1;
    } catch (const std::exception &e) {
        std::cerr << "dscflow_run_cpp: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
