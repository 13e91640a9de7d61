"""torch's public names that ember leaves out, each with a reason (tests/test_torch_coverage.py).

Two tables, both ``{torch module: {name: reason}}``:

- :data:`EXCLUDED`: left out on purpose (quantization, sparse layouts, TorchScript internals,
  other backends, ...), or a known gap (the "not implemented yet" groups, a to-do list).
- :data:`IN_PROGRESS`: names of areas other work is adding right now (complex dtypes and FFT,
  distributions, func, the torch-compatible RNG, nn.parallel, ...). **Remove them when they
  land**: the coverage test fails on any listed name that ember has, so the list cannot go stale.

Each group is one reason and a whitespace-separated list of names; a module's table is the union
of its groups (a name in two groups of one module is an error, caught by :func:`_table`).
"""

from __future__ import annotations


def _table(*groups: tuple[str, str]) -> dict[str, str]:
    """``{name: reason}`` from ``(reason, "name name ...")`` groups; a name listed twice fails."""
    table: dict[str, str] = {}
    for reason, names in groups:
        for name in names.split():
            if name in table:
                raise ValueError(f"{name} is listed twice: {table[name]!r} and {reason!r}")
            table[name] = reason
    return table


# ---------------------------------------------------------------- reasons
QUANTIZATION = "quantization: ember has no quantized dtypes or quantized kernels"
SPARSE = "sparse layouts (COO/CSR/CSC/BSR/BSC): ember tensors are strided only"
NESTED = "nested (jagged) tensors: not supported"
TORCHSCRIPT = "TorchScript/JIT internals (IR graph, script types, schemas, script containers)"
DISPATCH = "dispatcher and __torch_function__ machinery: ember has no dispatcher"
SYMBOLIC = "symbolic shapes (SymInt, sym_*): torch.compile/export tracing internals"
CONTROL_FLOW = "torch.compile higher-order control flow (cond, while_loop)"
STORAGE = "storage objects: an ember tensor owns a NumPy/CuPy array, not a torch Storage"
VENDOR = "vendor kernel entry points (cuDNN, MIOpen, oneDNN, FBGEMM, Vulkan): backend internals"
ATEN = "ATen entry points used by autograd formulas, SyncBatchNorm, RNN modules or decompositions"
BACKENDS = "other device backends (MPS, XPU, IPU, XLA, MTIA, MAIA, HPU, Vulkan, oneDNN)"
DTYPES = "sub-byte, bit, float8/float4 and shell unsigned dtypes: no NumPy arithmetic for them"
BUILD = "facts about torch's own build and loader (ABI, linked libraries, import flags)"
SERIALIZATION = "torch's archive reader/writer classes (ember.serialization has its own)"
BENCHMARK = "C++ throughput-benchmark and logging internals"
LEAKS = "not API: docstring templates, constants or helpers a torch module imports for itself"
DEPRECATED = "deprecated in torch (a newer spelling exists and ember has that one)"
PROFILER = "autograd profiler internals (the user API is torch.profiler)"
SUBCLASS = "tensor-subclass and first-class-dims machinery (__torch_function__ subclasses)"

GAP_LINALG = "not implemented yet: LOBPCG eigensolver"
GAP_NEW = "not implemented yet: recent or prototype torch APIs (hash_tensor, segment_reduce)"
GAP_DEVICE = "not implemented yet: a default device for factories (ember's is always the CPU)"
GAP_WARN = "not implemented yet: the warn-always switch of torch's warn-once warnings"
GAP_METHOD = "not bound as a Tensor method yet (the function ember.is_nonzero exists)"
GAP_NN = "not implemented yet: nn layers (lazy modules, fractional pooling, ...)"
GAP_AUTOGRAD = "not implemented yet: autograd anomaly mode and forward-mode/graph utilities"
GAP_AMP = "not implemented yet: autocast state setters (ember.amp has autocast)"
GAP_CUDA = "not implemented yet: CUDA streams, events and memory statistics"
GAP_DATA = "not implemented yet: torch.utils.data DataPipes and datapipe decorators"
GAP_DATA_DIST = "not implemented yet: DistributedSampler (needs ember.distributed process groups)"
GAP_OPTIM = "not implemented yet: optimizers"
GAP_STORAGE = "not implemented yet: in-place resizing and storage-level reuse of a tensor"

# areas other work is adding now (IN PROGRESS)
COMPLEX = "IN PROGRESS: complex dtypes and their ops (with ember.fft)"
FFT = "IN PROGRESS: ember.fft"
DISTRIBUTIONS = "IN PROGRESS: ember.distributions"
FUNC = "IN PROGRESS: ember.func (and torch.vmap)"
RNG = "IN PROGRESS: torch-compatible RNG and random ops"
EIG = "IN PROGRESS: eig/eigvals with complex dtypes"

# ---------------------------------------------------------------- excluded on purpose
EXCLUDED: dict[str, dict[str, str]] = {
    "torch": _table(
        (GAP_STORAGE, "resize_as_"),
        (GAP_AUTOGRAD, "is_inference_mode_enabled"),
        (GAP_LINALG, "lobpcg"),
        (GAP_NEW, "hash_tensor segment_reduce"),
        (GAP_DEVICE, "set_default_device"),
        (GAP_WARN, "set_warn_always is_warn_always_enabled"),
        (
            QUANTIZATION,
            """
            QInt32Storage QInt8Storage QUInt2x4Storage QUInt4x2Storage QUInt8Storage
            choose_qparams_optimized dequantize empty_quantized
            fake_quantize_per_channel_affine fake_quantize_per_tensor_affine
            fused_moving_avg_obs_fake_quant int_repr per_channel_affine
            per_channel_affine_float_qparams per_channel_symmetric per_tensor_affine
            per_tensor_symmetric q_per_channel_axis q_per_channel_scales
            q_per_channel_zero_points q_scale q_zero_point qint32 qint8 qscheme quint2x4
            quint4x2 quint8 quantize_per_channel quantize_per_tensor
            quantize_per_tensor_dynamic quantized_batch_norm quantized_gru
            quantized_gru_cell quantized_lstm quantized_lstm_cell quantized_max_pool1d
            quantized_max_pool2d quantized_max_pool3d quantized_rnn_relu_cell
            quantized_rnn_tanh_cell fbgemm_linear_fp16_weight
            fbgemm_linear_fp16_weight_fp32_activation fbgemm_linear_int8_weight
            fbgemm_linear_int8_weight_fp32_activation fbgemm_linear_quantize_weight
            fbgemm_pack_gemm_matrix_fp16 fbgemm_pack_quantized_matrix
            """,
        ),
        (
            SPARSE,
            """
            ccol_indices_copy col_indices_copy crow_indices_copy row_indices_copy
            indices_copy values_copy dsmm hsmm hspmm saddmm smm spmm sspaddmm sparse_bsc
            sparse_bsc_tensor sparse_bsr sparse_bsr_tensor sparse_compressed_tensor
            sparse_coo sparse_coo_tensor sparse_csc sparse_csc_tensor sparse_csr
            sparse_csr_tensor resize_as_sparse_
            """,
        ),
        (NESTED, "jagged"),
        (
            TORCHSCRIPT,
            """
            AliasDb AnyType Argument ArgumentSpec AwaitType Block BoolType BufferDict
            CallStack Capsule ClassType Code CompilationUnit CompleteArgumentSpec
            ComplexType ConcreteModuleType ConcreteModuleTypeBuilder DeepCopyMemoTable
            DeviceObjType DictType EnumType ErrorReport ExecutionPlan FileCheck
            FloatType FunctionSchema Future FutureType Gradient Graph GraphExecutorState
            IODescriptor InferredType IntType InterfaceType JITException ListType
            LiteScriptModule ModuleDict Node NoneType NumberType OperatorInfo
            OptionalType ParameterDict PyObjectType RRefType ScriptClass
            ScriptClassFunction ScriptDict ScriptDictIterator ScriptDictKeyIterator
            ScriptFunction ScriptList ScriptListIterator ScriptMethod ScriptModule
            ScriptModuleSerializer ScriptObject ScriptObjectProperty StaticModule
            StreamObjType StringType SymBoolType SymIntType TensorType TracingState
            TupleType Type UnionType Use Value fork wait import_ir_module
            import_ir_module_from_buffer merge_type_from_type_comment parse_ir
            parse_schema parse_type_comment unify_type_list
            """,
        ),
        (
            DISPATCH,
            """
            DisableTorchFunction DisableTorchFunctionSubclass DispatchKey DispatchKeySet
            ExcludeDispatchKeyGuard FatalError PRIVATE_OPS Tag get_device_module
            classproperty
            """,
        ),
        (
            SYMBOLIC,
            """
            SymBool SymFloat SymInt sym_constrain_range sym_constrain_range_for_size
            sym_float sym_fresh_size sym_int sym_ite sym_max sym_min sym_not sym_sqrt
            sym_sum
            """,
        ),
        (CONTROL_FLOW, "cond while_loop"),
        (
            STORAGE,
            """
            BFloat16Storage BoolStorage ByteStorage CharStorage ComplexDoubleStorage
            ComplexFloatStorage DoubleStorage FloatStorage HalfStorage IntStorage
            LongStorage ShortStorage Storage StorageBase TypedStorage UntypedStorage
            is_storage from_file
            """,
        ),
        (
            VENDOR,
            """
            cudnn_affine_grid_generator cudnn_batch_norm cudnn_convolution
            cudnn_convolution_add_relu cudnn_convolution_relu
            cudnn_convolution_transpose cudnn_grid_sampler cudnn_is_acceptable
            miopen_batch_norm miopen_convolution miopen_convolution_add_relu
            miopen_convolution_relu miopen_convolution_transpose miopen_ctc_loss
            miopen_depthwise_convolution miopen_rnn mkldnn_adaptive_avg_pool2d
            mkldnn_convolution mkldnn_linear_backward_weights mkldnn_max_pool2d
            mkldnn_max_pool3d mkldnn_rnn_layer is_vulkan_available
            profiler_allow_cudagraph_cupti_lazy_reinit_cuda12
            """,
        ),
        (
            ATEN,
            """
            batch_norm_backward_elemt batch_norm_backward_reduce batch_norm_elemt
            batch_norm_gather_stats batch_norm_gather_stats_with_counts batch_norm_stats
            batch_norm_update_stats native_batch_norm native_channel_shuffle
            native_dropout native_group_norm native_layer_norm native_norm
            norm_except_dim embedding_renorm_ grid_sampler grid_sampler_2d
            grid_sampler_3d affine_grid_generator lstm gru rnn_relu rnn_tanh
            autocast_decrement_nesting autocast_increment_nesting slice_inverse
            init_num_threads prepare_multiprocessing_environment conv_tbc embedding_bag
            """,
        ),
        (
            BACKENDS,
            """
            get_autocast_ipu_dtype get_autocast_xla_dtype is_autocast_ipu_enabled
            is_autocast_xla_enabled set_autocast_ipu_dtype set_autocast_ipu_enabled
            set_autocast_xla_dtype set_autocast_xla_enabled
            """,
        ),
        (
            DTYPES,
            """
            bit bits16 bits1x8 bits2x4 bits4x2 bits8 float4_e2m1fn_x2 float8_e4m3fn
            float8_e4m3fnuz float8_e5m2 float8_e5m2fnuz float8_e8m0fnu int1 int2 int3
            int4 int5 int6 int7 uint1 uint2 uint3 uint4 uint5 uint6 uint7 uint16 uint32
            uint64
            """,
        ),
        (
            BUILD,
            """
            USE_GLOBAL_DEPS USE_RTLD_GLOBAL_WITH_LIBTORCH compiled_with_cxx11_abi
            get_file_path has_lapack has_mkl has_openmp has_spectral
            """,
        ),
        (
            SERIALIZATION,
            "PyTorchFileReader PyTorchFileWriter SerializationStorageContext "
            "DeserializationStorageContext",
        ),
        (
            BENCHMARK,
            "AVG SUM AggregationType BenchmarkConfig BenchmarkExecutionStats ThroughputBenchmark "
            "LockingLogger LoggerBase NoopLogger",
        ),
        (LEAKS, "TYPE_CHECKING"),
        (
            DEPRECATED,
            """
            get_autocast_cpu_dtype get_autocast_gpu_dtype is_autocast_cpu_enabled
            set_autocast_cpu_dtype set_autocast_cpu_enabled set_autocast_gpu_dtype
            """,
        ),
        (
            GAP_AMP,
            "set_autocast_enabled set_autocast_dtype is_autocast_cache_enabled "
            "set_autocast_cache_enabled clear_autocast_cache GradScaler",
        ),
        (GAP_AUTOGRAD, "is_anomaly_enabled is_anomaly_check_nan_enabled set_anomaly_enabled"),
        (GAP_CUDA, "Event Stream OutOfMemoryError AcceleratorError"),
    ),
    "torch.Tensor": _table(
        (GAP_NEW, "hash_tensor"),
        (ATEN, "slice_inverse"),
        (GAP_METHOD, "is_nonzero"),
        (
            QUANTIZATION,
            """
            dequantize int_repr q_per_channel_axis q_per_channel_scales
            q_per_channel_zero_points q_scale q_zero_point qscheme
            """,
        ),
        (
            SPARSE,
            """
            ccol_indices coalesce col_indices crow_indices dense_dim indices
            is_coalesced is_sparse_csr resize_as_sparse_ row_indices smm sparse_dim
            sparse_mask sparse_resize_ sparse_resize_and_clear_ sspaddmm to_dense
            to_sparse to_sparse_bsc to_sparse_bsr to_sparse_coo to_sparse_csc
            to_sparse_csr values
            """,
        ),
        (NESTED, "to_padded_tensor"),
        (
            BACKENDS,
            """
            ipu is_ipu is_maia is_mkldnn is_mps is_mtia is_vulkan is_xla is_xpu mtia xpu
            to_mkldnn record_stream
            """,
        ),
        (STORAGE, "storage storage_type is_set_to set_ const_data_ptr"),
        (SUBCLASS, "as_subclass index module_load"),
        (DEPRECATED, "volatile reinforce"),
        (
            GAP_STORAGE,
            "resize resize_ resize_as resize_as_ new new_empty_strided grad_dtype dim_order name",
        ),
    ),
    "torch.nn": _table(
        (
            GAP_NN,
            """
            AdaptiveLogSoftmaxWithLoss CrossMapLRN2d FractionalMaxPool2d
            FractionalMaxPool3d LazyBatchNorm1d LazyBatchNorm2d LazyBatchNorm3d
            LazyConv1d LazyConv2d LazyConv3d LazyConvTranspose1d LazyConvTranspose2d
            LazyConvTranspose3d LazyInstanceNorm1d LazyInstanceNorm2d LazyInstanceNorm3d
            LinearCrossEntropyLoss LinearCrossEntropyOptions UninitializedBuffer
            SyncBatchNorm
            """,
        ),
        (DEPRECATED, "Container"),
        (LEAKS, "factory_kwargs"),
    ),
    "torch.nn.functional": _table(
        (
            LEAKS,
            """
            BroadcastingList1 BroadcastingList2 BroadcastingList3
            GRID_SAMPLE_INTERPOLATION_MODES GRID_SAMPLE_PADDING_MODES TYPE_CHECKING
            Tensor assert_int_or_pair boolean_dispatch reproducibility_notes
            sparse_support_notes tf32_notes
            """,
        ),
        (
            DISPATCH,
            "handle_torch_function has_torch_function has_torch_function_unary "
            "has_torch_function_variadic",
        ),
        (
            "float8/grouped GEMMs for CUDA tensor cores",
            "ScalingType SwizzleType grouped_mm scaled_grouped_mm scaled_mm",
        ),
        (ATEN, "conv_tbc"),
        (
            GAP_NN,
            """
            fractional_max_pool2d fractional_max_pool2d_with_indices
            fractional_max_pool3d fractional_max_pool3d_with_indices
            linear_cross_entropy
            """,
        ),
    ),
    "torch.nn.init": _table((GAP_NN, "dirac eye")),
    "torch.nn.utils": _table(
        (
            GAP_NN,
            "convert_conv2d_weight_memory_format convert_conv3d_weight_memory_format skip_init",
        )
    ),
    "torch.linalg": _table(
        (LEAKS, "common_notes"),
    ),
    "torch.special": _table(
        (LEAKS, "Tensor common_args multi_dim_common"),
    ),
    "torch.fft": _table((LEAKS, "Tensor common_args factory_common_args")),
    "torch.optim": _table(
        (GAP_OPTIM, "Adafactor Muon SparseAdam"),
        (LEAKS, "swap_in_optimizer_params_and_state"),
    ),
    "torch.optim.lr_scheduler": _table(
        (LEAKS, "EPOCH_DEPRECATION_WARNING Optimizer TYPE_CHECKING Tensor inf")
    ),
    "torch.utils.data": _table(
        (
            GAP_DATA,
            """
            DFIterDataPipe DataChunk IterDataPipe MapDataPipe argument_validation
            functional_datapipe guaranteed_datapipes_determinism non_deterministic
            runtime_validation runtime_validation_disabled
            """,
        ),
        (GAP_DATA_DIST, "DistributedSampler"),
    ),
    "torch.autograd": _table(
        (
            PROFILER,
            "DeviceType ProfilerActivity ProfilerConfig ProfilerEvent ProfilerState "
            "kineto_available",
        ),
        (DISPATCH, "handle_torch_function has_torch_function is_tensor_like"),
        (DEPRECATED, "Variable variable NestedIOFunction"),
        (
            GAP_AUTOGRAD,
            """
            SavedTensor detect_anomaly set_detect_anomaly enforce_grad_layout_policy
            is_multithreading_enabled set_multithreading_enabled is_view_replay_enabled
            """,
        ),
    ),
    "torch.cuda": _table(
        (
            GAP_CUDA,
            """
            Event OutOfMemoryError Stream current_stream default_stream device device_of
            get_arch_list get_device_capability get_device_properties init
            is_bf16_supported is_initialized mem_get_info max_memory_reserved
            memory_stats memory_summary reset_max_memory_allocated
            reset_peak_memory_stats stream
            """,
        )
    ),
}

# ---------------------------------------------------------------- IN PROGRESS (remove when landed)
IN_PROGRESS: dict[str, dict[str, str]] = {
    "torch": _table(
        (
            COMPLEX,
            """
            complex32 chalf conj_physical_ isreal view_as_complex_copy view_as_real_copy
            """,
        ),
        (FFT, "stft istft"),
        (RNG, "binomial thread_safe_generator"),
        (EIG, "eig"),
    ),
    "torch.Tensor": _table(
        (
            COMPLEX,
            """
            cdouble cfloat chalf isreal
            """,
        ),
        (FFT, "stft istft"),
        (EIG, "eig"),
    ),
    "torch.distributions": _table(
        (
            DISTRIBUTIONS,
            """
            ContinuousBernoulli LKJCholesky Wishart
            """,
        )
    ),
    "torch.func": _table(
        (
            FUNC,
            """
            debug_unwrap functionalize linearize rearrange
            replace_all_batch_norm_modules_
            """,
        )
    ),
    "torch.cuda": _table(
        (
            RNG,
            "seed seed_all initial_seed get_rng_state set_rng_state get_rng_state_all "
            "set_rng_state_all",
        )
    ),
}
