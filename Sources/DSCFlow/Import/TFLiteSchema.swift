/// Field numbers and enum values of the TFLite FlatBuffers schema (tensorflow/lite/schema/schema.fbs)
/// that the importer reads. Union fields take two slots (type, value).
enum TFLiteSchema {
    enum ModelField { static let version = 0, operatorCodes = 1, subgraphs = 2, description = 3, buffers = 4, metadata = 6 }
    enum OperatorCodeField { static let deprecatedBuiltinCode = 0, customCode = 1, version = 2, builtinCode = 3 }
    enum SubGraphField { static let tensors = 0, inputs = 1, outputs = 2, operators = 3, name = 4 }
    enum TensorField { static let shape = 0, type = 1, buffer = 2, name = 3, quantization = 4, isVariable = 5, sparsity = 6 }
    enum QuantizationField { static let min = 0, max = 1, scale = 2, zeroPoint = 3, detailsType = 4, details = 5, quantizedDimension = 6 }
    enum OperatorField { static let opcodeIndex = 0, inputs = 1, outputs = 2, builtinOptionsType = 3, builtinOptions = 4 }
    enum BufferField { static let data = 0, offset = 1, size = 2 }
    enum MetadataField { static let name = 0, buffer = 1 }

    /// TensorType values.
    static let typeNames: [Int: String] = [
        0: "FLOAT32", 1: "FLOAT16", 2: "INT32", 3: "UINT8", 4: "INT64", 5: "STRING", 6: "BOOL", 7: "INT16",
        8: "COMPLEX64", 9: "INT8", 10: "FLOAT64", 11: "COMPLEX128", 12: "UINT64", 13: "RESOURCE", 14: "VARIANT",
        15: "UINT32", 16: "UINT16", 17: "INT4", 18: "BFLOAT16",
    ]
    static let int32Type: UInt8 = 2, uint8Type: UInt8 = 3, int64Type: UInt8 = 4, int16Type: UInt8 = 7, int8Type: UInt8 = 9

    /// BuiltinOptions union type values DSCFlow reads.
    enum Options {
        static let conv2D: UInt8 = 1, depthwiseConv2D: UInt8 = 2, pool2D: UInt8 = 5, fullyConnected: UInt8 = 8
        static let softmax: UInt8 = 9, concatenation: UInt8 = 10, add: UInt8 = 11, reshape: UInt8 = 17
        static let spaceToDepth: UInt8 = 19, pad: UInt8 = 22, reducer: UInt8 = 27, padV2: UInt8 = 43
    }

    /// BuiltinOperator codes DSCFlow implements.
    enum Op {
        static let add: Int32 = 0, averagePool2D: Int32 = 1, concatenation: Int32 = 2, conv2D: Int32 = 3
        static let depthwiseConv2D: Int32 = 4, fullyConnected: Int32 = 9, maxPool2D: Int32 = 17, reshape: Int32 = 22
        static let softmax: Int32 = 25, spaceToDepth: Int32 = 26, pad: Int32 = 34, mean: Int32 = 40, padV2: Int32 = 60
    }

    /// Names of builtin operators (for messages about unsupported ones).
    static let opNames: [String] = [
        "ADD", "AVERAGE_POOL_2D", "CONCATENATION", "CONV_2D", "DEPTHWISE_CONV_2D", "DEPTH_TO_SPACE", "DEQUANTIZE",
        "EMBEDDING_LOOKUP", "FLOOR", "FULLY_CONNECTED", "HASHTABLE_LOOKUP", "L2_NORMALIZATION", "L2_POOL_2D",
        "LOCAL_RESPONSE_NORMALIZATION", "LOGISTIC", "LSH_PROJECTION", "LSTM", "MAX_POOL_2D", "MUL", "RELU",
        "RELU_N1_TO_1", "RELU6", "RESHAPE", "RESIZE_BILINEAR", "RNN", "SOFTMAX", "SPACE_TO_DEPTH", "SVDF", "TANH",
        "CONCAT_EMBEDDINGS", "SKIP_GRAM", "CALL", "CUSTOM", "EMBEDDING_LOOKUP_SPARSE", "PAD",
        "UNIDIRECTIONAL_SEQUENCE_RNN", "GATHER", "BATCH_TO_SPACE_ND", "SPACE_TO_BATCH_ND", "TRANSPOSE", "MEAN",
        "SUB", "DIV", "SQUEEZE", "UNIDIRECTIONAL_SEQUENCE_LSTM", "STRIDED_SLICE", "BIDIRECTIONAL_SEQUENCE_RNN",
        "EXP", "TOPK_V2", "SPLIT", "LOG_SOFTMAX", "DELEGATE", "BIDIRECTIONAL_SEQUENCE_LSTM", "CAST", "PRELU",
        "MAXIMUM", "ARG_MAX", "MINIMUM", "LESS", "NEG", "PADV2", "GREATER", "GREATER_EQUAL", "LESS_EQUAL",
        "SELECT", "SLICE", "SIN", "TRANSPOSE_CONV", "SPARSE_TO_DENSE", "TILE", "EXPAND_DIMS", "EQUAL", "NOT_EQUAL",
        "LOG", "SUM", "SQRT", "RSQRT", "SHAPE", "POW", "ARG_MIN", "FAKE_QUANT", "REDUCE_PROD", "REDUCE_MAX",
        "PACK", "LOGICAL_OR", "ONE_HOT", "LOGICAL_AND", "LOGICAL_NOT", "UNPACK", "REDUCE_MIN", "FLOOR_DIV",
        "REDUCE_ANY", "SQUARE", "ZEROS_LIKE", "FILL", "FLOOR_MOD", "RANGE", "RESIZE_NEAREST_NEIGHBOR",
        "LEAKY_RELU", "SQUARED_DIFFERENCE", "MIRROR_PAD", "ABS", "SPLIT_V", "UNIQUE", "CEIL", "REVERSE_V2",
        "ADD_N", "GATHER_ND", "COS", "WHERE", "RANK", "ELU", "REVERSE_SEQUENCE", "MATRIX_DIAG", "QUANTIZE",
        "MATRIX_SET_DIAG", "ROUND", "HARD_SWISH", "IF", "WHILE", "NON_MAX_SUPPRESSION_V4",
        "NON_MAX_SUPPRESSION_V5", "SCATTER_ND", "SELECT_V2", "DENSIFY", "SEGMENT_SUM", "BATCH_MATMUL",
        "PLACEHOLDER_FOR_GREATER_OP_CODES", "CUMSUM", "CALL_ONCE", "BROADCAST_TO",
    ]

    static func opName(_ code: Int32) -> String {
        code >= 0 && Int(code) < opNames.count ? opNames[Int(code)] : "BUILTIN_\(code)"
    }
}
