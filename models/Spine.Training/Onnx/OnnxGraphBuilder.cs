using Google.Protobuf;
using Onnx;
using TorchSharp;

namespace Spine.Training.Onnx;

/// <summary>
/// Builds an ONNX graph (opset 17) node by node from trained TorchSharp weights: no exporter exists for TorchSharp, so
/// each layer type writes its own nodes, and a parity test holds them to the TorchSharp forward pass.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    public const int Opset = 17;
    private readonly GraphProto _graph = new() { Name = "spine" };
    private int _counter;

    public string Initializer(string name, torch.Tensor tensor)
    {
        var values = tensor.detach().cpu().contiguous().to_type(torch.ScalarType.Float32).data<float>().ToArray();
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())) };
        proto.Dims.AddRange(tensor.shape);
        _graph.Initializer.Add(proto);
        return name;
    }

    public string Initializer(string name, float[] values, params long[] shape)
    {
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())) };
        proto.Dims.AddRange(shape);
        _graph.Initializer.Add(proto);
        return name;
    }

    public string Int64Initializer(string name, params long[] values)
    {
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        proto.Int64Data.AddRange(values);
        proto.Dims.Add(values.Length);
        _graph.Initializer.Add(proto);
        return name;
    }

    /// <summary>Adds a node; returns the name of its (single) output.</summary>
    public string Node(string operation, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var output = $"{operation.ToLowerInvariant()}_{_counter++}";
        var node = new NodeProto { OpType = operation, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return output;
    }

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>Declares a float input or output of shape (batch, channels, height, width), batch and size dynamic.</summary>
    public void Declare(string name, long channels, bool input) => Declare(name, input, "batch", channels, "height", "width");

    /// <summary>Declares a float input or output; each dimension is a fixed size (long) or a named dynamic one (string).</summary>
    public void Declare(string name, bool input, params object[] dimensions)
    {
        var shape = new TensorShapeProto();
        foreach (var dimension in dimensions)
        {
            shape.Dim.Add(dimension is string parameter
                ? new TensorShapeProto.Types.Dimension { DimParam = parameter }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(dimension, System.Globalization.CultureInfo.InvariantCulture) });
        }

        var value = new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
        (input ? _graph.Input : _graph.Output).Add(value);
    }

    /// <summary>Renames a node's output, and every input that reads it, so that graph outputs carry their declared names.</summary>
    public void NameOutput(string current, string name)
    {
        foreach (var node in _graph.Node)
        {
            for (var i = 0; i < node.Output.Count; i++)
            {
                if (node.Output[i] == current)
                {
                    node.Output[i] = name;
                }
            }

            for (var i = 0; i < node.Input.Count; i++)
            {
                if (node.Input[i] == current)
                {
                    node.Input[i] = name;
                }
            }
        }
    }

    public byte[] ToModel(string producerVersion, string docString)
    {
        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "spine-train",
            ProducerVersion = producerVersion,
            DocString = docString,
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return model.ToByteArray();
    }
}
