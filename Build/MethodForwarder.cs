using System.Linq;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace MemOS.Build;

/// <summary>
/// Rewrites a target method's body to `ldarg 0..n; call Plug; ret`. The call's signature is built from the
/// target's own types (so a patched CoreLib refers to its own String, not to a facade); only the plug class is
/// imported, which adds the plug assembly to the target module's references. An extern target (InternalCall,
/// P/Invoke, RuntimeImport) becomes an ordinary IL method.
/// </summary>
internal static class MethodForwarder
{
    private const string RuntimeImportAttributeName = "System.Runtime.RuntimeImportAttribute";

    public static void Forward(MethodDefinition target, MethodDefinition plug)
    {
        ModuleDefinition module = target.Module;
        var call = new MethodReference(plug.Name, target.ReturnType, module.ImportReference(plug.DeclaringType))
        {
            HasThis = false,
        };
        if (!target.IsStatic)
            call.Parameters.Add(new ParameterDefinition(ThisType(plug.Parameters[0].ParameterType, target)));
        foreach (ParameterDefinition parameter in target.Parameters)
            call.Parameters.Add(new ParameterDefinition(parameter.ParameterType));

        MakeManaged(target);
        var body = new MethodBody(target);
        ILProcessor il = body.GetILProcessor();
        int argumentCount = call.Parameters.Count;
        for (int i = 0; i < argumentCount; i++) EmitLoadArgument(il, target, i);
        il.Emit(OpCodes.Call, call);
        il.Emit(OpCodes.Ret);
        body.MaxStackSize = argumentCount + 1;
        target.Body = body;
    }

    private static TypeReference ThisType(TypeReference declared, MethodDefinition target)
    {
        ModuleDefinition module = target.Module;
        TypeDefinition self = target.DeclaringType;
        return declared switch
        {
            ByReferenceType => new ByReferenceType(self),
            PointerType pointer when Signatures.SameType(pointer.ElementType, self) => new PointerType(self),
            PointerType pointer when pointer.ElementType.FullName == "System.Void"
                => new PointerType(module.TypeSystem.Void),
            PointerType pointer => new PointerType(module.ImportReference(pointer.ElementType)),
            _ when declared.FullName == "System.Object" => module.TypeSystem.Object,
            _ => self,
        };
    }

    private static void EmitLoadArgument(ILProcessor il, MethodDefinition target, int index)
    {
        switch (index)
        {
            case 0: il.Emit(OpCodes.Ldarg_0); return;
            case 1: il.Emit(OpCodes.Ldarg_1); return;
            case 2: il.Emit(OpCodes.Ldarg_2); return;
            case 3: il.Emit(OpCodes.Ldarg_3); return;
        }
        ParameterDefinition parameter = target.IsStatic ? target.Parameters[index] : target.Parameters[index - 1];
        il.Emit(index < 256 ? OpCodes.Ldarg_S : OpCodes.Ldarg, parameter);
    }

    /// <summary>An extern has no body to replace: turn it into an IL method and drop what made it extern.</summary>
    private static void MakeManaged(MethodDefinition target)
    {
        if (target.IsPInvokeImpl)
        {
            target.IsPInvokeImpl = false;
            target.PInvokeInfo = null;
        }
        target.IsInternalCall = false;
        target.IsRuntime = false;
        target.IsIL = true;
        target.IsManaged = true;
        target.IsPreserveSig = false;
        foreach (CustomAttribute attribute in target.CustomAttributes
                     .Where(a => a.AttributeType.FullName == RuntimeImportAttributeName).ToList())
            target.CustomAttributes.Remove(attribute);
    }
}
