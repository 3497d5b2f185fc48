# A scalar Value that remembers how it was made, and backpropagates through it.
#
# Each op computes its forward value and, right beside it, its local derivative
# with respect to each parent. backward!() multiplies those by the upstream grad.
# Storing numbers instead of micrograd's `_backward` closures keeps every node a
# plain record of concrete fields: nothing to compile per node, nothing hidden.
# An op has at most two parents, so a node holds them in two fields (`_a`, `_b`)
# with their two local derivatives (`_da`, `_db`): one allocation per node, no
# arrays. `_prev` still answers the parents in order, as micrograd's does.

# region: Value

"""
    Value(data; label="")

A scalar in a computation graph: its `data`, its `grad`, and where it came from
(`_prev`, the parents in order; `_op`, the op that made it, `""` for a leaf).
"""
mutable struct Value
    data::Float64
    grad::Float64
    _a::Union{Value,Nothing}  # the first parent, `nothing` for a leaf
    _b::Union{Value,Nothing}  # the second parent, `nothing` for a leaf or a unary op
    _da::Float64              # d self / d _a
    _db::Float64              # d self / d _b
    _op::String
    label::String
    _mark::UInt               # the last topological walk that reached this node
end

# A leaf from any real number (Int, Float64, Rational, π, ...).
Value(data::Real; label::AbstractString="") =
    Value(Float64(data), 0.0, nothing, nothing, 0.0, 0.0, "", String(label), 0)

# Bool is an Integer in Julia, but not a number here (SPEC §2.1): `Value(true)` is a type
# error, and so is a Bool operand (`x * true`, which makes a leaf) or exponent.
Value(data::Bool; label::AbstractString="") = _not_a_bool(:Value, "data", data)
_not_a_bool(f::Symbol, what::String, x::Bool) =
    throw(TypeError(f, what, Union{AbstractFloat,Signed,Unsigned}, x))

# A node made by an op: its value, its parents and their local derivatives.
_node(data::Float64, op::String, a::Value, da::Float64) =
    Value(data, 0.0, a, nothing, da, 0.0, op, "", 0)
_node(data::Float64, op::String, a::Value, da::Float64, b::Value, db::Float64) =
    Value(data, 0.0, a, b, da, db, op, "", 0)

# `v._prev` (the parents in order) and `v._local_grads` (d v / d parent, in the
# same order): the node's fields read as micrograd's lists.
function Base.getproperty(v::Value, name::Symbol)
    name === :_prev && return _parents(v)
    name === :_local_grads && return _local_derivatives(v)
    return getfield(v, name)
end

Base.propertynames(v::Value, private::Bool=false) =
    private ? (fieldnames(Value)..., :_prev, :_local_grads) : (:data, :grad, :label)

function _parents(v::Value)
    a, b = getfield(v, :_a), getfield(v, :_b)
    a === nothing && return Value[]
    return b === nothing ? Value[a] : Value[a, b]
end

function _local_derivatives(v::Value)
    a, b = getfield(v, :_a), getfield(v, :_b)
    a === nothing && return Float64[]
    return b === nothing ? Float64[v._da] : Float64[v._da, v._db]
end

# The default show would print the parents, and theirs, all the way down.
Base.show(io::IO, v::Value) = print(io, "Value(data=", v.data, ", grad=", v.grad, ")")

# endregion

# region: add
Base.:+(a::Value, b::Value) = _node(a.data + b.data, "+", a, 1.0, b, 1.0)

# endregion

# region: sub
Base.:-(a::Value, b::Value) = _node(a.data - b.data, "-", a, 1.0, b, -1.0)

# endregion

# region: mul
Base.:*(a::Value, b::Value) = _node(a.data * b.data, "*", a, b.data, b, a.data)

# endregion

# region: div
function Base.:/(a::Value, b::Value)
    out = a.data / b.data  # IEEE: x/0 is ±Inf, 0/0 is NaN, no exception
    # d(a/b)/db = -a/b² written as -out/b: no spurious overflow of b².
    return _node(out, "/", a, 1.0 / b.data, b, -out / b.data)
end

# endregion

# region: neg
Base.:-(a::Value) = _node(-a.data, "neg", a, -1.0)

# endregion

# region: pow
function Base.:^(x::Value, k::Real)
    kf = Float64(k)
    # d(x^k)/dx = k·x^(k-1), pinned to exactly 0 for k = 0 (even where x^-1 is Inf).
    d = kf == 0.0 ? 0.0 : kf * _pow(x.data, kf - 1.0)
    return _node(_pow(x.data, kf), "**$k", x, d)
end

# `x^2` and `x^-1` are lowered to literal_pow, whose generic method turns x^-n
# into inv(x)^n; send them to the method above instead (one node, SPEC §2.1).
Base.literal_pow(::typeof(^), x::Value, ::Val{k}) where {k} = x^k

Base.:^(::Value, k::Bool) = _not_a_bool(:^, "exponent", k)

# A Value exponent is a type error (SPEC §2.1): the exponent must be a plain number.
Base.:^(::Value, k::Value) = throw(TypeError(:^, "exponent", Real, k))
Base.:^(::Real, k::Value) = throw(TypeError(:^, "exponent", Real, k))

# endregion

# region: relu
function relu(x::Value)
    v = x.data
    out = (v > 0 || isnan(v)) ? v : 0.0  # NaN passes through
    return _node(out, "relu", x, v > 0 ? 1.0 : 0.0)
end

# endregion

# region: tanh
function Base.tanh(x::Value)
    t = tanh(x.data)
    return _node(t, "tanh", x, 1.0 - t * t)
end

# endregion

# region: exp
function Base.exp(x::Value)
    e = exp(x.data)  # exp(1000.0) is Inf in Julia, no exception
    return _node(e, "exp", x, e)
end

# endregion

# region: log
function Base.log(x::Value)
    v = x.data
    return _node(_log(v), "log", x, 1.0 / v)
end

# endregion

# region: sigmoid
function sigmoid(x::Value)
    s = 1.0 / (1.0 + exp(-x.data))
    return _node(s, "sigmoid", x, s * (1.0 - s))
end

# endregion

# region: backward
"""
    backward!(root::Value)

This call's gradients of `root` w.r.t. every node; leaves add them to their grads.
"""
function backward!(root::Value)
    topo = _topological_order(root)
    leaves = Value[]
    leaf_grads_before = Float64[]
    for v in topo
        if v._a === nothing
            push!(leaves, v)
            push!(leaf_grads_before, v.grad)
        end
        v.grad = 0.0
    end
    root.grad = 1.0
    for i in length(topo):-1:1
        v = topo[i]
        a = v._a
        a === nothing && continue
        a.grad += v._da * v.grad  # chain rule: 0 * Inf stays NaN
        b = v._b
        b === nothing || (b.grad += v._db * v.grad)
    end
    for i in eachindex(leaves)
        leaves[i].grad = leaf_grads_before[i] + leaves[i].grad
    end
    return nothing
end

# Each walk marks the nodes it reaches with a number no earlier walk used.
const _WALKS = Threads.Atomic{UInt}(0)

# micrograd's build_topo without recursion: parents before children.
#
# The walk stands on `v`; `stack` holds the nodes it came down through. It goes down to
# v's first parent not yet visited, else to its second; else v is done: it joins the
# order and the walk goes back up to the node it came from. A node is marked visited
# (its `_mark` set to this walk's number) when first reached.
function _topological_order(root::Value)
    mark = Threads.atomic_add!(_WALKS, UInt(1)) + UInt(1)
    topo = Value[]
    stack = Value[]
    root._mark = mark
    v = root
    while true
        a = v._a
        if a !== nothing && a._mark != mark
            a._mark = mark
            push!(stack, v)
            v = a
            continue
        end
        b = v._b
        if b !== nothing && b._mark != mark
            b._mark = mark
            push!(stack, v)
            v = b
            continue
        end
        push!(topo, v)
        isempty(stack) && return topo
        v = pop!(stack)
    end
end

# endregion

# Plain numbers on either side (2 * x, 1 - x, 1 / x) become leaf Values.
Base.:+(a::Value, b::Real) = a + Value(b)
Base.:+(a::Real, b::Value) = Value(a) + b
Base.:-(a::Value, b::Real) = a - Value(b)
Base.:-(a::Real, b::Value) = Value(a) - b
Base.:*(a::Value, b::Real) = a * Value(b)
Base.:*(a::Real, b::Value) = Value(a) * b
Base.:/(a::Value, b::Real) = a / Value(b)
Base.:/(a::Real, b::Value) = Value(a) / b
# A Bool is no number on either side either; the error names the op, not Value's data.
Base.:+(::Value, b::Bool) = _not_a_bool(:+, "operand", b)
Base.:+(a::Bool, ::Value) = _not_a_bool(:+, "operand", a)
Base.:-(::Value, b::Bool) = _not_a_bool(:-, "operand", b)
Base.:-(a::Bool, ::Value) = _not_a_bool(:-, "operand", a)
Base.:*(::Value, b::Bool) = _not_a_bool(:*, "operand", b)
Base.:*(a::Bool, ::Value) = _not_a_bool(:*, "operand", a)
Base.:/(::Value, b::Bool) = _not_a_bool(:/, "operand", b)
Base.:/(a::Bool, ::Value) = _not_a_bool(:/, "operand", a)

# IEEE 754 versions of the library functions: Julia throws DomainError where
# IEEE (C99) returns NaN, and the contract (SPEC §2) is IEEE's.

function _pow(x::Float64, k::Float64)
    if x < 0 && isfinite(k) && !isinteger(k)
        # A negative base with a non-integer exponent: C99 pow gives NaN for a
        # finite base, and +Inf (k > 0) or +0 (k < 0) for -Inf.
        return x == -Inf ? (k > 0 ? Inf : 0.0) : NaN
    end
    return x^k  # 0^-1 = Inf, (-0)^-1 = -Inf, overflow ±Inf: Julia agrees with C99
end

function _log(x::Float64)
    (x > 0 || isnan(x)) && return log(x)  # log(Inf) = Inf, log(NaN) = NaN
    return x == 0 ? -Inf : NaN            # Julia throws DomainError for x < 0
end
