# SGD and Adam with torch.optim's semantics, written out plainly (SPEC §2.6).

"""Holds the parameters it updates; `zero_grad!(opt)` clears their grads."""
abstract type Optimizer end

"""Set the grad of every parameter the optimizer updates to 0.0."""
function zero_grad!(opt::Optimizer)
    for p in opt.params
        p.grad = 0.0
    end
    return nothing
end

# region: SGD

"""
    SGD(params, lr; momentum=0.0, weight_decay=0.0)
    SGD(params; lr, momentum=0.0, weight_decay=0.0)

p -= lr·g, with optional weight decay (g += wd·p) and momentum (buf = m·buf + g).
"""
mutable struct SGD <: Optimizer
    params::Vector{Value}
    lr::Float64
    momentum::Float64
    weight_decay::Float64
    buffers::Vector{Union{Nothing,Float64}}  # nothing until the first step
end

function SGD(params, lr::Real; momentum::Real=0.0, weight_decay::Real=0.0)
    ps = _check_params(params)
    _check_non_negative("lr", lr)
    _check_non_negative("momentum", momentum)
    _check_non_negative("weight_decay", weight_decay)
    buffers = Union{Nothing,Float64}[nothing for _ in ps]
    return SGD(ps, Float64(lr), Float64(momentum), Float64(weight_decay), buffers)
end

# lr by keyword too, as in torch: SGD(params; lr=0.1, momentum=0.9).
SGD(params; lr::Real, momentum::Real=0.0, weight_decay::Real=0.0) =
    SGD(params, lr; momentum=momentum, weight_decay=weight_decay)

function step!(opt::SGD)
    for (i, p) in enumerate(opt.params)
        g = p.grad
        if opt.weight_decay != 0
            g = g + opt.weight_decay * p.data
        end
        if opt.momentum != 0
            buf = opt.buffers[i]
            # torch starts the buffer at the first gradient, not at zero.
            g = buf === nothing ? g : opt.momentum * buf + g
            opt.buffers[i] = g
        end
        p.data = p.data - opt.lr * g
    end
    return nothing
end

# endregion

# region: Adam

"""
    Adam(params, lr; betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
    Adam(params; lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)

Adaptive moments with bias correction: p -= lr·m̂ / (√v̂ + eps).
"""
mutable struct Adam <: Optimizer
    params::Vector{Value}
    lr::Float64
    betas::Tuple{Float64,Float64}
    eps::Float64
    weight_decay::Float64
    t::Int
    m::Vector{Float64}
    v::Vector{Float64}
end

function Adam(params, lr::Real; betas=(0.9, 0.999), eps::Real=1e-8, weight_decay::Real=0.0)
    ps = _check_params(params)
    _check_non_negative("lr", lr)
    betas isa Union{Tuple,AbstractVector} || throw(TypeError(:Adam, "betas", Tuple{Real,Real}, betas))
    length(betas) == 2 || throw(ArgumentError("betas must have 2 values, got $(length(betas))"))
    for (name, beta) in zip(("beta1", "beta2"), betas)
        beta isa Bool && _not_a_bool(:Adam, name, beta)
        beta isa Real || throw(TypeError(:Adam, name, Real, beta))
        0.0 <= beta < 1.0 || throw(ArgumentError("$name must be in [0, 1), got $beta"))
    end
    _check_non_negative("eps", eps)
    _check_non_negative("weight_decay", weight_decay)
    b1, b2 = betas
    return Adam(ps, Float64(lr), (Float64(b1), Float64(b2)), Float64(eps), Float64(weight_decay),
                0, zeros(length(ps)), zeros(length(ps)))
end

# lr by keyword too, as in torch: Adam(params; lr=0.01).
Adam(params; lr::Real=1e-3, betas=(0.9, 0.999), eps::Real=1e-8, weight_decay::Real=0.0) =
    Adam(params, lr; betas=betas, eps=eps, weight_decay=weight_decay)

function step!(opt::Adam)
    opt.t += 1
    b1, b2 = opt.betas
    for (i, p) in enumerate(opt.params)
        g = p.grad
        if opt.weight_decay != 0
            g = g + opt.weight_decay * p.data
        end
        opt.m[i] = b1 * opt.m[i] + (1 - b1) * g
        opt.v[i] = b2 * opt.v[i] + ((1 - b2) * g) * g
        m_hat = opt.m[i] / (1 - _pow(b1, Float64(opt.t)))  # C pow, as Python's b1**t
        v_hat = opt.v[i] / (1 - _pow(b2, Float64(opt.t)))
        p.data = p.data - (opt.lr * m_hat) / (sqrt(v_hat) + opt.eps)
    end
    return nothing
end

# endregion

# The parameters as a Vector{Value}: none missing, nothing else in the list.
function _check_params(params)
    ps = Value[]
    for p in params
        p isa Value || throw(TypeError(:optimizer, "parameters", Value, p))
        push!(ps, p)
    end
    isempty(ps) && throw(ArgumentError("optimizer got an empty parameter list"))
    return ps
end

function _check_non_negative(name::String, x::Real)
    x isa Bool && throw(TypeError(:optimizer, name, AbstractFloat, x))
    x >= 0 || throw(ArgumentError("$name must be >= 0, got $x"))
    return nothing
end
